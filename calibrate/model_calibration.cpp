#include "calibrate/model_calibration.h"

#include <memory>
#include <mutex>

#include "base/errors.h"
#include "base/task_pool.h"
#include "calibrate/network_loss.h"
#include "chip/analog_model.h"
#include "chip/input_range_rule.h"
#include "hw/gemm_backend.h"
#include "workloads/dataset.h"
#include "workloads/reference_executor.h"

namespace imcsim::calibrate {

namespace {

/// What the file says of searched tile i of a layer: the values `r` found, or (r null) none, the defaults.
chip::TileRanges tile_ranges(const firmware::LayerPlacement& p, std::size_t i, const TileSearchResult* r,
                             const CalibrationOptions& options, bool adc_fixed) {
  const firmware::Tile& t = p.tiles[i];
  chip::TileRanges ranges;
  ranges.row_tile = t.row_tile;
  ranges.col_tile = t.col_tile;
  ranges.replica = options.mode == Mode::offline ? -1 : static_cast<int>(i) / p.tiles_per_replica();
  ranges.rows = t.rows;
  ranges.cols = t.cols;
  if (r == nullptr) return ranges;
  if (options.method != Method::columns) ranges.input_range = r->input_range;
  if (!adc_fixed) ranges.adc_range = r->adc_range;
  if (options.method != Method::dac) ranges.column_kappa = r->kappa;
  return ranges;
}

/// The file of `m`: layers before `calibrated_layers` with their results, the others at their defaults.
chip::RangeCalibration file_of(const ModelCalibration& m, const firmware::ModelMapping& mapping,
                               std::size_t calibrated_layers, const CalibrationOptions& options, bool adc_fixed) {
  chip::RangeCalibration c = m.ranges;
  c.layers.clear();
  for (std::size_t k = 0; k < m.layers.size(); ++k) {
    chip::LayerRanges ranges;
    ranges.name = m.layers[k].name;
    for (std::size_t i = 0; i < m.layers[k].tiles.size(); ++i) {
      const TileSearchResult* r = k < calibrated_layers ? &m.layers[k].results[i] : nullptr;
      ranges.tiles.push_back(tile_ranges(mapping.layers[k], i, r, options, adc_fixed));
    }
    c.layers.push_back(std::move(ranges));
  }
  return c;
}

}  // namespace

const NameTable<Objective>& objective_names() {
  static const NameTable<Objective> names{{Objective::mse, "mse"}, {Objective::loss, "loss"}};
  return names;
}

ModelCalibration calibrate_model(const chip::ChipConfig& config, const std::string& model_name,
                                 const std::vector<workloads::WeightLayer>& layers,
                                 const firmware::ModelMapping& mapping, const std::vector<hw::BatchMatrix>& inputs,
                                 const CalibrationOptions& options, const LossImages* images) {
  if (layers.size() != mapping.layers.size() || inputs.size() != layers.size()) {
    throw Error("calibrate_model(): layers, mapping and inputs must have one entry per weight layer");
  }
  if (options.threads < 1) throw ParameterError("threads", "must be >= 1");
  if (options.method != Method::columns && config.noise.input_scaling == hw::InputScaling::abs_max) {
    throw ParameterError("method", "noise.input_scaling abs_max has no fixed DAC range to calibrate: use columns");
  }
  if (options.objective == Objective::loss && (images == nullptr || images->graph == nullptr)) {
    throw ParameterError("objective", "loss needs the model's graph and labelled calibration images");
  }
  static std::once_flag gemm_pinned;
  std::call_once(gemm_pinned, hw::use_single_threaded_gemm);
  const auto device = hw::make_inference_device(config.device);
  const ObjectiveSetting setting =
      objective_setting(config, *device, options.drift_time_s, options.noise_seeds, options.mode);
  const bool adc_fixed = config.compiler.adc_range == chip::AdcRange::fixed;

  ModelCalibration m;
  m.ranges.model = model_name;
  m.ranges.chip = config.name;
  m.ranges.method = method_names().name(options.method);
  m.ranges.objective = objective_names().name(options.objective);
  m.ranges.mode = mode_names().name(options.mode);
  m.ranges.seed = config.sim.seed;
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const firmware::LayerPlacement& p = mapping.layers[k];
    LayerCalibration l;
    l.name = p.shape.name;
    const float range = chip::abs_percentile(inputs[k], chip::input_percentile);
    l.default_input_range = range > 0.0f ? range : 1.0f;
    l.vectors = static_cast<int>(inputs[k].rows());
    const std::size_t searched = options.mode == Mode::offline ? static_cast<std::size_t>(p.tiles_per_replica())
                                                               : p.tiles.size();
    l.tiles.assign(p.tiles.begin(), p.tiles.begin() + static_cast<std::ptrdiff_t>(searched));
    l.results.resize(l.tiles.size());
    m.layers.push_back(std::move(l));
  }
  const auto problem_of = [&](std::size_t k, std::size_t i) {
    const firmware::Tile& t = m.layers[k].tiles[i];
    TileProblem problem;
    problem.weights = layers[k].matrix.block(t.row0, t.col0, t.rows, t.cols);
    problem.inputs = inputs[k].middleCols(t.row0, t.rows);
    problem.array_id = static_cast<std::uint32_t>(t.core);
    return problem;
  };

  if (options.objective == Objective::mse) {
    struct Job {
      std::size_t layer, tile;
    };
    std::vector<Job> jobs;
    for (std::size_t k = 0; k < m.layers.size(); ++k) {
      for (std::size_t i = 0; i < m.layers[k].tiles.size(); ++i) jobs.push_back({k, i});
    }
    run_tasks(jobs.size(), options.threads, [&](std::size_t j) {
      LayerCalibration& l = m.layers[jobs[j].layer];
      l.results[jobs[j].tile] = search_tile(setting, problem_of(jobs[j].layer, jobs[j].tile), options.method,
                                            l.default_input_range, adc_fixed);
    });
  } else {
    for (std::size_t k = 0; k < m.layers.size(); ++k) {
      // The network of each noise seed with the layers before k calibrated.
      const chip::ResolvedRanges so_far =
          chip::resolve(file_of(m, mapping, k, options, adc_fixed), mapping, config, "the calibration so far");
      std::vector<std::unique_ptr<NetworkLoss>> losses(setting.noise_seeds.size());
      run_tasks(losses.size(), options.threads, [&](std::size_t s) {
        chip::ChipConfig instance = config;
        instance.sim.seed = setting.noise_seeds[s];
        const chip::AnalogModel model(instance, layers, mapping, inputs, &so_far);
        losses[s] = std::make_unique<NetworkLoss>(*images->graph, model.analog_engine_at(setting.drift_time_s, true),
                                                  k, images->samples, images->labels, setting.first_image);
      });
      LayerCalibration& l = m.layers[k];
      const firmware::LayerPlacement& p = mapping.layers[k];
      run_tasks(l.tiles.size(), options.threads, [&](std::size_t i) {
        const TileProblem problem = problem_of(k, i);
        const TileObjective objective(setting, problem);
        // Offline the candidate stands for every replica of the tile, on chip for its own replica only.
        std::vector<bool> replaced(p.tiles.size(), false);
        for (std::size_t j = 0; j < p.tiles.size(); ++j) {
          replaced[j] = options.mode == Mode::offline ? j % l.tiles.size() == i : j == i;
        }
        const TileCost cost = [&](const TileObjective::Programmed& programmed, float input_range, float adc_range) {
          double sum = 0;
          for (std::size_t s = 0; s < losses.size(); ++s) {
            TileObjective::Read read = objective.read_at(programmed, s, input_range, adc_range);
            const chip::TileNumerics candidate(std::move(read.crossbar), std::move(read.factors), l.tiles[i],
                                               input_range);
            sum += losses[s]->loss(candidate, replaced);
          }
          return sum / double(losses.size());
        };
        l.results[i] = search_tile(objective, options.method, l.default_input_range, adc_fixed, cost);
      });
    }
  }

  m.ranges = file_of(m, mapping, m.layers.size(), options, adc_fixed);
  return m;
}

ModelCalibration calibrate_on_training_images(const chip::ChipConfig& config, const std::string& model_name,
                                              const std::string& model_file, const workloads::Graph& graph,
                                              const firmware::ModelMapping& mapping, int calibration_images,
                                              const CalibrationOptions& options) {
  const workloads::Dataset images = workloads::load_fashion_mnist("train", calibration_images);
  workloads::check_dataset_fits(graph, images, model_file);
  const std::vector<hw::BatchMatrix> inputs =
      chip::capture_layer_inputs(graph, images.samples, calibration_vectors_per_layer);
  const LossImages loss_images{&graph, images.samples, images.labels};
  return calibrate_model(config, model_name, workloads::weight_layers(graph), mapping, inputs, options, &loss_images);
}

}  // namespace imcsim::calibrate
