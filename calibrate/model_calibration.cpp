#include "calibrate/model_calibration.h"

#include <mutex>

#include "base/errors.h"
#include "base/task_pool.h"
#include "chip/input_range_rule.h"
#include "hw/gemm_backend.h"

namespace imcsim::calibrate {

namespace {


chip::TileRanges tile_ranges(const firmware::Tile& t, const TileSearchResult& r, Method method, bool adc_fixed) {
  chip::TileRanges ranges;
  ranges.row_tile = t.row_tile;
  ranges.col_tile = t.col_tile;
  ranges.rows = t.rows;
  ranges.cols = t.cols;
  if (method != Method::columns) ranges.input_range = r.input_range;
  if (!adc_fixed) ranges.adc_range = r.adc_range;
  if (method != Method::dac) ranges.column_kappa = r.kappa;
  return ranges;
}

}  // namespace

ModelCalibration calibrate_model(const chip::ChipConfig& config, const std::string& model_name,
                                 const std::vector<workloads::WeightLayer>& layers,
                                 const firmware::ModelMapping& mapping, const std::vector<hw::BatchMatrix>& inputs,
                                 const CalibrationOptions& options) {
  if (layers.size() != mapping.layers.size() || inputs.size() != layers.size()) {
    throw Error("calibrate_model(): layers, mapping and inputs must have one entry per weight layer");
  }
  if (options.threads < 1) throw ParameterError("threads", "must be >= 1");
  if (options.method != Method::columns && config.noise.input_scaling == hw::InputScaling::abs_max) {
    throw ParameterError("method", "noise.input_scaling abs_max has no fixed DAC range to calibrate: use columns");
  }
  static std::once_flag gemm_pinned;
  std::call_once(gemm_pinned, hw::use_single_threaded_gemm);
  const auto device = hw::make_inference_device(config.device);
  const ObjectiveSetting setting = objective_setting(config, *device, options.drift_time_s, options.noise_seeds);
  const bool adc_fixed = config.compiler.adc_range == chip::AdcRange::fixed;

  ModelCalibration m;
  struct Job {
    std::size_t layer, tile;
  };
  std::vector<Job> jobs;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const firmware::LayerPlacement& p = mapping.layers[k];
    LayerCalibration l;
    l.name = p.shape.name;
    const float range = chip::abs_percentile(inputs[k], chip::input_percentile);
    l.default_input_range = range > 0.0f ? range : 1.0f;
    for (int i = 0; i < p.tiles_per_replica(); ++i) {
      l.tiles.push_back(p.tiles[static_cast<std::size_t>(i)]);
      jobs.push_back({k, static_cast<std::size_t>(i)});
    }
    l.results.resize(l.tiles.size());
    m.layers.push_back(std::move(l));
  }
  run_tasks(jobs.size(), options.threads, [&](std::size_t j) {
    const Job& job = jobs[j];
    LayerCalibration& l = m.layers[job.layer];
    const firmware::Tile& t = l.tiles[job.tile];
    TileProblem problem;
    problem.weights = layers[job.layer].matrix.block(t.row0, t.col0, t.rows, t.cols);
    problem.inputs = inputs[job.layer].middleCols(t.row0, t.rows);
    problem.array_id = static_cast<std::uint32_t>(t.core);
    l.results[job.tile] = search_tile(setting, problem, options.method, l.default_input_range, adc_fixed);
  });

  m.ranges.model = model_name;
  m.ranges.chip = config.name;
  m.ranges.method = method_names().name(options.method);
  m.ranges.objective = "mse";
  m.ranges.mode = "offline";
  m.ranges.seed = config.sim.seed;
  for (const LayerCalibration& l : m.layers) {
    chip::LayerRanges ranges;
    ranges.name = l.name;
    for (std::size_t i = 0; i < l.tiles.size(); ++i) {
      ranges.tiles.push_back(tile_ranges(l.tiles[i], l.results[i], options.method, adc_fixed));
    }
    m.ranges.layers.push_back(std::move(ranges));
  }
  return m;
}

}  // namespace imcsim::calibrate
