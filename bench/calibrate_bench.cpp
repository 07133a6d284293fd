#include "bench/calibrate_bench.h"

#include <chrono>

#include "calibrate/model_calibration.h"
#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/stage_estimates.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"

namespace imcsim::bench {

namespace {

constexpr double target_s = 120.0;

/// The wall time of one calibration and the mean over its tiles of objective after / before.
nlohmann::ordered_json timed_calibration(const chip::ChipConfig& config, const std::string& file,
                                         const workloads::Graph& graph, const firmware::ModelMapping& mapping,
                                         const CalibrateBenchOptions& o, calibrate::Objective objective) {
  calibrate::CalibrationOptions options;
  options.method = calibrate::Method::both;
  options.objective = objective;
  options.noise_seeds = o.noise_seeds;
  options.threads = o.threads;
  const auto start = std::chrono::steady_clock::now();
  const calibrate::ModelCalibration c = calibrate::calibrate_on_training_images(
      config, graph.name, file, graph, mapping, o.calibration_images, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double ratio = 0;
  int tiles = 0;
  for (const calibrate::LayerCalibration& l : c.layers) {
    for (const calibrate::TileSearchResult& r : l.results) {
      ratio += r.objective_before > 0 ? r.objective_after / r.objective_before : 1.0;
      ++tiles;
    }
  }
  nlohmann::ordered_json j;
  j["seconds"] = seconds;
  j["tiles"] = tiles;
  j["mean_tile_after_over_before"] = tiles > 0 ? ratio / tiles : 1.0;
  return j;
}

}  // namespace

nlohmann::ordered_json calibrate_benchmark(const CalibrateBenchOptions& o) {
  const chip::ChipConfig config = chip::load_chip_config("hermes64");
  const std::string file = workloads::resolve_model("cnn");
  const workloads::Graph graph = workloads::import_onnx(file);
  const firmware::ModelMapping mapping = firmware::map_model(
      chip::estimated_layer_shapes(graph, config), chip::chip_geometry(config), config.compiler.replication);
  nlohmann::ordered_json j;
  j["benchmark"] = "calibrate";
  j["model"] = "cnn";
  j["chip"] = config.name;
  j["method"] = "both";
  j["mode"] = "offline";
  j["calibration_images"] = o.calibration_images;
  j["noise_seeds"] = o.noise_seeds;
  j["threads"] = o.threads;
  j["mse"] = timed_calibration(config, file, graph, mapping, o, calibrate::Objective::mse);
  j["loss"] = timed_calibration(config, file, graph, mapping, o, calibrate::Objective::loss);
  j["target_s"] = target_s;
  j["ratio"] = j["mse"]["seconds"].get<double>() / target_s;
  j["loss_over_mse"] = j["loss"]["seconds"].get<double>() / j["mse"]["seconds"].get<double>();
  return j;
}

}  // namespace imcsim::bench
