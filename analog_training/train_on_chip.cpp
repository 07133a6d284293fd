#include "analog_training/train_on_chip.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <vector>

#include "workloads/onnx_export.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/training/zoo_data.h"

namespace imcsim::analog_training {

namespace {

using workloads::training::PulsedLayer;

/// Median and 95th percentile of |found - analytic| over every device, in units of dw_min.
nlohmann::ordered_json symmetry_point_errors(const std::vector<PulsedLayer*>& layers, float dw_min) {
  std::vector<float> errors;
  for (const PulsedLayer* l : layers) {
    const auto analytic = l->matrix().analytic_symmetry_points();
    const auto& found = l->matrix().found_symmetry_points();
    for (std::size_t t = 0; t < found.size(); ++t) {
      const hw::WeightMatrix e = (found[t] - analytic[t]).cwiseAbs() / dw_min;
      errors.insert(errors.end(), e.data(), e.data() + e.size());
    }
  }
  if (errors.empty()) return nullptr;
  std::sort(errors.begin(), errors.end());
  const auto at = [&](double q) {
    return errors[static_cast<std::size_t>(q * static_cast<double>(errors.size() - 1))];
  };
  return {
      {"devices", errors.size()}, {"median_dw_min", at(0.5)}, {"p95_dw_min", at(0.95)}, {"max_dw_min", errors.back()}};
}

nlohmann::ordered_json update_activity(const std::vector<PulsedLayer*>& layers) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const PulsedLayer* l : layers) {
    nlohmann::ordered_json tiles = nlohmann::ordered_json::array();
    for (const hw::PulseUpdateCounts& c : l->matrix().update_counts()) {
      tiles.push_back({{"slots", c.slots},
                       {"row_pulses", c.row_pulses},
                       {"column_pulses", c.column_pulses},
                       {"coincidences", c.coincidences}});
    }
    out.push_back({{"layer", l->name()}, {"sample_updates", l->matrix().sample_updates()}, {"tiles", tiles}});
  }
  return out;
}

}  // namespace

nlohmann::ordered_json train_on_chip(const OnChipTrainingRequest& request,
                                     const std::function<void(const workloads::training::Progress&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const workloads::training::ZooData data(request.training.model, request.train_samples);
  workloads::training::PulsedTrainer trainer(request.training);
  const bool resumed = !request.checkpoint.empty() && std::filesystem::exists(request.checkpoint);
  if (resumed) trainer.resume(request.checkpoint);
  const int epochs_before = trainer.epochs_done();
  trainer.train(data.train(), data.test(), request.checkpoint, progress);
  const workloads::Graph g = trainer.export_graph();
  workloads::export_onnx(g, request.out);

  const workloads::training::PulsedTrainingConfig& c = trainer.config();
  const hw::PulsedDeviceConfig& d = c.device;
  nlohmann::ordered_json j;
  j["model"] = c.model;
  j["out"] = request.out;
  j["chip"] = request.chip;
  j["device"] = {{"model", d.model},
                 {"dw_min", d.dw_min},
                 {"up_down", d.up_down},
                 {"w_max", d.w_max},
                 {"w_min", d.w_min},
                 {"dw_min_dtod", d.dw_min_dtod},
                 {"up_down_dtod", d.up_down_dtod},
                 {"w_bounds_dtod", d.w_bounds_dtod},
                 {"dw_min_std", d.dw_min_std}};
  j["zero_shift"] = !c.layers.zero_shift ? "off" : c.layers.zero_shift_by_formula ? "formula" : "found";
  if (c.layers.zero_shift && !c.layers.zero_shift_by_formula) {
    j["zero_shift_pulse_pairs"] = c.layers.zero_shift_config.pulse_pairs;
    j["reference_programming_std"] = c.layers.zero_shift_config.reference_programming_std;
    j["symmetry_point_error"] = symmetry_point_errors(trainer.pulsed_layers(), d.dw_min);
  }
  j["pulse_length"] = c.layers.update.pulse_length;
  j["update_management"] = c.layers.update.update_management;
  j["bl_management"] = c.layers.update.bl_management;
  j["weight_scale"] = c.layers.weight_scale;
  j["epochs"] = c.epochs;
  j["batch"] = c.batch;
  j["learning_rate"] = c.learning_rate;
  j["seed"] = c.seed;
  j["train_" + data.sample_name()] = data.train().size();
  j["test_" + data.sample_name()] = data.test().size();
  if (!c.init.empty()) j["init"] = c.init;
  if (resumed) j["resumed_after_epoch"] = epochs_before;
  const std::string score = "test_" + data.test().score_name();
  j["curve"] = nlohmann::ordered_json::array();
  for (const auto& r : trainer.learning_curve()) {
    j["curve"].push_back({{"epoch", r.epoch},
                          {"loss", r.loss},
                          {"train_accuracy", r.train_accuracy},
                          {score, r.test_score},
                          {"seconds", r.seconds}});
  }
  j[score + "_arrays"] = trainer.learning_curve().back().test_score;
  // The written file, imported again and run in FP32 by the reference executor: the effective weights exactly.
  const workloads::ReferenceExecutor exec(workloads::import_onnx(request.out));
  j[score + "_fp32_of_effective_weights"] = data.test().score(exec.run(data.test().inputs(), c.threads));
  j["update_activity_this_run"] = update_activity(trainer.pulsed_layers());
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return j;
}

}  // namespace imcsim::analog_training
