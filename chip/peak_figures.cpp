#include "chip/peak_figures.h"

namespace imcsim::chip {

namespace {
ReadModePeak read_mode_peak(const ChipConfig& config, int phases) {
  hw::DesignPoint point = config.design_point();
  point.phases = phases;
  const hw::CostModel cost(config.technology, point);
  const hw::ActionCost mvm = cost.mvm();
  const double ops_per_mvm = 2.0 * config.cores.rows * config.cores.cols;
  ReadModePeak p;
  p.mvm_latency_ns = mvm.latency_ns;
  p.mvm_energy_nj = mvm.energy_pj * 1e-3;
  p.peak_tops = config.cores.count * ops_per_mvm / mvm.latency_ns * 1e-3;  // ops/ns = 1e9 ops/s
  p.peak_tops_per_w = ops_per_mvm / mvm.energy_pj;                         // ops/pJ = TOPS/W
  p.peak_tops_per_mm2 = p.peak_tops / (config.cores.count * cost.mvm_area_mm2());
  return p;
}
}  // namespace

PeakFigures peak_figures(const ChipConfig& config) {
  PeakFigures f;
  f.cores = config.cores.count;
  f.weights_capacity = static_cast<std::int64_t>(config.cores.count) * config.cores.rows * config.cores.cols;
  const hw::CostModel cost(config.technology, config.design_point());
  f.core_area_mm2 = cost.core_area_mm2();
  f.mvm_area_mm2 = cost.mvm_area_mm2();
  f.one_phase = read_mode_peak(config, 1);
  f.four_phase = read_mode_peak(config, 4);
  return f;
}

}  // namespace imcsim::chip
