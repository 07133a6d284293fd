#pragma once
// Peak figures of a design point: what the data sheet quotes. Counts 2 operations per multiply-accumulate and,
// like the HERMES publications, only the MVM energy (array + ADC + PWM) and the MVM area of all cores.

#include <cstdint>

#include "chip/chip_config.h"

namespace imcsim::chip {

struct ReadModePeak {
  double peak_tops = 0;
  double peak_tops_per_w = 0;
  double peak_tops_per_mm2 = 0;  ///< over the MVM area of all cores
  double mvm_latency_ns = 0;     ///< one MVM of one core
  double mvm_energy_nj = 0;      ///< one MVM of one core
};

struct PeakFigures {
  int cores = 0;
  std::int64_t weights_capacity = 0;
  double core_area_mm2 = 0;
  double mvm_area_mm2 = 0;  ///< one core
  ReadModePeak one_phase;
  ReadModePeak four_phase;
};

PeakFigures peak_figures(const ChipConfig& config);

}  // namespace imcsim::chip
