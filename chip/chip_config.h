#pragma once
// The chip configuration: one YAML file (a preset in configs/ or the user's own) plus `--set key.path=value`
// overrides, validated and resolved once into ChipConfig, which is passed into every constructor.
//
// Contract: every key has a default (the HERMES 64-core chip), so a file need only name what differs; an
// unknown key, a wrong type or an out-of-range value is an InputError naming the file, line and dotted key
// (or "--set" for an override). The dotted names are stable: sweeps, reports and tests address keys by them.
// The keys themselves (name, field, type, range, unit, description): chip/config_keys.h. Schema and units:
// docs/configuration.md.

#include <cstdint>
#include <string>
#include <vector>

#include "base/name_table.h"
#include "firmware/model_mapping.h"
#include "firmware/placement.h"
#include "hw/crossbar.h"
#include "hw/device/inference_device.h"
#include "hw/drift_compensation.h"
#include "hw/pulsed_array.h"
#include "hw/technology.h"
#include "hw/weight_mapping.h"
#include "interconnect/network_config.h"

namespace imcsim::chip {

/// cores.read_mode: how a core reads its four sign quadrants.
enum class ReadMode {
  one_phase,   ///< all in one integration (133 ns on HERMES)
  four_phase,  ///< each separately (520 ns, more precise)
};
/// one_phase, four_phase.
const NameTable<ReadMode>& read_mode_names();
std::string read_mode_name(ReadMode mode);

/// compiler.adc_range: how each core's ADC full scale is chosen.
enum class AdcRange {
  fixed,     ///< adc.output_range on every core
  per_core,  ///< per core at programming time, minimising the conversion error on the calibration inputs
};
/// fixed, per_core.
const NameTable<AdcRange>& adc_range_names();

struct CoresConfig {
  int count = 64;
  int rows = 256;
  int cols = 256;
  ReadMode read_mode = ReadMode::one_phase;
  double input_buffer_kib = 0.5;            ///< per core: one 256-element input vector of 8-bit codes, double-buffered
  double output_buffer_kib = 1.0;           ///< per core: 256 outputs of 16-bit, double-buffered
  float one_phase_noise_std = 0.0f;         ///< extra output noise of one-phase reads (normalised units)
  float one_phase_nonlinearity_lsb = 0.0f;  ///< extra ADC nonlinearity of one-phase reads
  double program_verify_iterations = 10;    ///< program-and-verify pulses per device row (cost of programming)
};

/// training_device: the pulsed resistive device that analog training updates in place (hw/device/pulsed_device.h),
/// apart from the PCM `device` that inference programs, and how its reference devices are zero-shifted.
struct TrainingDeviceConfig {
  hw::PulsedDeviceConfig device;
  hw::ZeroShiftConfig zero_shift;
};

struct NoiseConfig {
  float output_noise_std = 0.04f;  ///< additive per-read output noise (normalised units)
  float pcm_read_noise = 0.0f;     ///< PCM-read-type per-read weight noise
  hw::InputScaling input_scaling = hw::InputScaling::fixed;
  hw::DriftCompensationKind drift_compensation = hw::DriftCompensationKind::global;
  double t_inference_s = 3600.0;  ///< time after programming at which the network is evaluated
};

struct DigitalConfig {
  double clock_mhz = 400.0;               ///< local digital units: one datum per clock
  int global_unit_slices = 8;             ///< parallel slices of each core's global digital unit (FP16, tanh/sigmoid)
  int global_unit_cycles_per_output = 5;  ///< clocks one slice needs per output
  /// Pipeline depths (clocks from a datum in to the datum out; docs/technology.md says where each value comes from):
  double pipeline_stages = 6;                 ///< act and pool: FP16 affine correction, activation, requantisation
  double accumulate_pipeline_stages = 22.17;  ///< acc of a streamed partial sum: receive, align, add, pass on
  double global_unit_pipeline_stages = 13;    ///< gdu: one output's dependent FP16 gate operations
};

/// Choices of the model compiler (firmware/model_mapping.h, firmware/model_compiler.h).
struct CompilerConfig {
  firmware::Replication replication = firmware::Replication::balance;  ///< copies of heavy layers on spare cores
  int inferences = 8;  ///< inferences pipelined through the timed run of a model
  /// fixed: every core's ADC full scale is adc.output_range; per_core: each core's full scale (the gain setting
  /// of its ADCs) is chosen at programming time to minimise the conversion error over the calibration inputs,
  /// at most adc.output_range.
  AdcRange adc_range = AdcRange::per_core;
  /// snake | raster: the order in which the accumulation chains take the grid's cores (firmware/placement.h)
  firmware::PlacementPolicy placement = firmware::PlacementPolicy::snake;
};

struct SimConfig {
  std::uint64_t seed = 1;
  double quantum_ns = 1000.0;  ///< temporal-decoupling quantum of the loosely timed mode
};

struct ChipConfig {
  std::string name = "hermes64";
  std::string source;  ///< the file it came from
  CoresConfig cores;
  hw::InferenceDeviceConfig device;
  TrainingDeviceConfig training_device;
  hw::MappingConfig mapping;
  hw::DacConfig dac;
  hw::AdcConfig adc;
  NoiseConfig noise;
  DigitalConfig digital;
  interconnect::NetworkConfig interconnect;
  std::string technology_file;  ///< empty: the built-in HERMES table
  hw::TechnologyTable technology;
  CompilerConfig compiler;
  SimConfig sim;

  /// The crossbar of one core, with the read mode's extra error folded in.
  hw::CrossbarConfig crossbar() const;
  /// The cost model's design point.
  hw::DesignPoint design_point() const;
};

/// The defaults of every key: the HERMES 64-core chip (configs/hermes64.yaml spells them all out).
ChipConfig default_chip_config();

/// Loads a preset name (configs/NAME.yaml) or a YAML path, applies the overrides ("key.path=value", in order)
/// and resolves. Throws InputError for bad input.
ChipConfig load_chip_config(const std::string& preset_or_path, const std::vector<std::string>& overrides = {});
/// Parses YAML text (for tests and embedding); `name` stands for the file in messages.
ChipConfig parse_chip_config(const std::string& yaml_text, const std::string& name,
                             const std::vector<std::string>& overrides = {});
/// The resolved configuration as YAML, every key with its value; loading it gives the same configuration.
std::string to_yaml(const ChipConfig& config);
/// Whether a config key ("interconnect.link_width_bits", as --set names it) changes only the chip's timing and
/// costs, never a number it computes (its entry in chip/config_keys.h says so). Design points that differ only in
/// such keys have the same accuracy (imcsim sweep reuses it). A name that is no key gives false.
bool timing_only_key(const std::string& dotted_key);
/// Directory searched for presets: $IMCSIM_CONFIG_DIR, else the installed or source configs/ directory.
std::string preset_directory();
/// Names of the presets found there.
std::vector<std::string> preset_names();

}  // namespace imcsim::chip
