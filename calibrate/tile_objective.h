#pragma once
// The objective of range calibration for one tile (Lammie et al., arXiv:2401.09859; chip/range_calibration.h says
// what the ranges mean): the mean squared error of the tile's outputs, read through freshly programmed devices
// (hw::ProgrammedArray) and the chip's crossbar with its DAC, ADC and read noise (hw::Crossbar) at the drift time
// T, with the chip's drift compensation measured on the calibration inputs as chip::AnalogModel measures it,
// against the FP32 partial sums x W of the same inputs; averaged over the tile's outputs, the calibration vectors
// and K noise seeds.
//
// Noise seeds (offline calibration: the chip instance is not known yet): seed k of K is the first two words of the
// counter-based stream (sim.seed, RandomPurpose::calibration_seed, k, 0), so they differ from the evaluation's seed
// sim.seed and from each other, and they do not depend on threads or on the order of tiles.
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
#include "hw/device/inference_device.h"
#include "hw/drift_compensation.h"
#include "hw/programmed_array.h"
#include "hw/types.h"

namespace imcsim::calibrate {

/// Seed k of the calibration's noise seeds (see above).
std::uint64_t noise_seed(std::uint64_t base_seed, std::uint32_t k);

/// What every tile of one calibration shares: the chip's devices, mapping and periphery, the drift time and seeds.
struct ObjectiveSetting {
  hw::CrossbarConfig crossbar;  ///< chip::ChipConfig::crossbar(); its adc.output_range is the largest ADC range
  hw::MappingConfig mapping;
  hw::DriftCompensationKind compensation = hw::DriftCompensationKind::global;
  double drift_time_s = 3600.0;
  std::vector<std::uint64_t> noise_seeds;
  const hw::InferenceDeviceModel* device = nullptr;  ///< outlives the setting's users
};
/// The setting of `config` (`device` made from config.device) with `noise_seeds` seeds from config.sim.seed.
ObjectiveSetting objective_setting(const chip::ChipConfig& config, const hw::InferenceDeviceModel& device,
                                   double drift_time_s, int noise_seeds);

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
