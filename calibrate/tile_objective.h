#pragma once
// The objective of range calibration for one tile (Lammie et al., arXiv:2401.09859; chip/range_calibration.h says
// what the ranges mean): the mean squared error of the tile's outputs, read through freshly programmed devices
// (hw::ProgrammedArray) and the chip's crossbar with its DAC, ADC and read noise (hw::Crossbar) at the drift time
// T, with the chip's drift compensation measured on the calibration inputs as chip::AnalogModel measures it,
// against the FP32 partial sums x W of the same inputs; averaged over the tile's outputs, the calibration vectors
// and K noise seeds.
//
// Noise seeds. Offline (the chip instance is not known yet): seed k of K is the first two words of the
// counter-based stream (sim.seed, RandomPurpose::calibration_seed, k, 0), so they differ from the evaluation's seed
// sim.seed and from each other, and they do not depend on threads or on the order of tiles. On chip (after
// programming, on the instance itself): the one seed is sim.seed and a tile's array id is its core, so a candidate
// is programmed with the very programming noise and drift of the instance (chip::AnalogModel's arrays at kappa 1);
// its reads take images from on_chip_first_image on, so they never draw the read noise of an evaluation's read.
//
// Column ranges: a candidate's kappa_c maps column c at kappa_c x its mapping scale s_c (hw::mapping_scales: max|W_c|
// with mapping.scale per_column, the chip's default) through ProgrammedArray::program(weights, scales), as the
// accuracy model maps a calibrated tile: weights beyond kappa_c s_c saturate at g_max.
//
// Contract: every method is const and thread-safe; results depend only on the problem, the setting and the
// candidate (never on threads or call order).

#include <cstdint>
#include <vector>

#include "chip/chip_config.h"
#include "base/name_table.h"
#include "hw/crossbar.h"
#include "hw/device/inference_device.h"
#include "hw/drift_compensation.h"
#include "hw/programmed_array.h"
#include "hw/types.h"

namespace imcsim::calibrate {

/// Seed k of the calibration's noise seeds (see above).
std::uint64_t noise_seed(std::uint64_t base_seed, std::uint32_t k);

/// Offline against the noise model, or on the programmed instance (see above).
enum class Mode { offline, on_chip };
/// offline, on_chip (the calibration file's `mode`).
const NameTable<Mode>& mode_names();

/// The first image index of an on-chip calibration's reads: evaluations read images 0, 1, ... (data sets have at most
/// 70,000), and a read of image i draws values from i x cols on (2^24 x 256 columns stays inside a stream).
constexpr std::uint64_t on_chip_first_image = std::uint64_t{1} << 24;

/// What every tile of one calibration shares: the chip's devices, mapping and periphery, the drift time and seeds.
struct ObjectiveSetting {
  hw::CrossbarConfig crossbar;  ///< chip::ChipConfig::crossbar(); its adc.output_range is the largest ADC range
  hw::MappingConfig mapping;
  hw::DriftCompensationKind compensation = hw::DriftCompensationKind::global;
  double drift_time_s = 3600.0;
  std::vector<std::uint64_t> noise_seeds;
  std::uint64_t first_image = 0;  ///< the image index of the objective's first read vector
  const hw::InferenceDeviceModel* device = nullptr;  ///< outlives the setting's users
};
/// The setting of `config` (`device` made from config.device): offline, `noise_seeds` seeds from config.sim.seed
/// and reads from image 0; on chip, the one seed config.sim.seed and reads from on_chip_first_image
/// (`noise_seeds` must then be 1).
ObjectiveSetting objective_setting(const chip::ChipConfig& config, const hw::InferenceDeviceModel& device,
                                   double drift_time_s, int noise_seeds, Mode mode = Mode::offline);

/// One tile: its weights (rows = inputs, cols = outputs) and calibration inputs (vectors x rows, layer units).
struct TileProblem {
  hw::WeightMatrix weights;
  hw::BatchMatrix inputs;
  std::uint32_t array_id = 0;  ///< keys the tile's random streams (the core of its first replica)
};

class TileObjective {
 public:
  /// The tile programmed with one set of column factors, once per noise seed.
  struct Programmed {
    std::vector<hw::WeightMatrix> at_time;     ///< normalised weights at the drift time, per seed
    std::vector<hw::WeightMatrix> programmed;  ///< right after programming, per seed
    std::vector<hw::Vector> scales;            ///< column scales, per seed
  };

  /// Keeps references: `setting` and `problem` outlive the objective.
  TileObjective(const ObjectiveSetting& setting, const TileProblem& problem);

  Programmed program(const std::vector<float>& kappa) const;
  /// How the tile reads with noise seed `seed` (an index into the setting's seeds) of `programmed`: its crossbar at
  /// the drift time with ADC full scale `adc_range`, and the drift-compensation factors that crossbar measures on
  /// the problem's inputs over `input_range` (ones without compensation).
  struct Read {
    hw::Crossbar crossbar;
    hw::Vector factors;
  };
  Read read_at(const Programmed& programmed, std::size_t seed, float input_range, float adc_range) const;
  /// Per column: the mean over vectors and seeds of the squared output error with DAC input range `input_range`
  /// (layer units) and ADC full scale `adc_range` (normalised output units).
  hw::Vector column_errors(const Programmed& programmed, float input_range, float adc_range) const;
  /// The objective: the mean of column_errors().
  double operator()(const Programmed& programmed, float input_range, float adc_range) const;

  const TileProblem& problem() const { return m_problem; }
  const ObjectiveSetting& setting() const { return m_setting; }
  /// The FP32 partial sums x W (vectors x cols).
  const hw::BatchMatrix& reference() const { return m_reference; }

 private:
  const ObjectiveSetting& m_setting;
  const TileProblem& m_problem;
  hw::BatchMatrix m_reference;
};

}  // namespace imcsim::calibrate
