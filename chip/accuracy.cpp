#include "chip/accuracy.h"

#include <cmath>
#include <chrono>

#include "chip/analog_model.h"
#include "workloads/reference_executor.h"
#include "workloads/weight_layers.h"

namespace imcsim::chip {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string duration_label(double t_s) {
  char text[64];
  std::snprintf(text, sizeof text, "t = %g s", t_s);
  return text;
}

}  // namespace

firmware::ChipGeometry chip_geometry(const ChipConfig& config) {
  return {config.cores.rows, config.cores.cols, config.interconnect.grid_x, config.interconnect.grid_y,
          config.compiler.placement};
}

std::vector<firmware::LayerShape> layer_shapes(const workloads::Graph& graph) {
  std::vector<firmware::LayerShape> shapes;
  for (const auto& l : workloads::weight_layers(graph)) {
    firmware::LayerShape s{l.name, l.rows(), l.cols(), l.mvms_per_inference};
    s.chained_steps = l.streaming.recurrent_source >= 0;
    // The gate values of one hidden unit (an LSTM's 4) share a column tile: its global digital unit combines them.
    if (l.streaming.gate_outputs_per_value > 0)
      s.col_group = static_cast<int>(std::lround(1.0 / l.streaming.gate_outputs_per_value));
    shapes.push_back(s);
  }
  return shapes;
}

AccuracyResult evaluate_accuracy(const ChipConfig& config, const workloads::Graph& graph,
                                 const firmware::ModelMapping& mapping, const workloads::Dataset& data,
                                 const hw::BatchMatrix& calibration, const AccuracyOptions& options,
                                 const std::function<void(const std::string&)>& progress,
                                 const std::function<void(int done, int total)>& images_done) {
  const auto say = [&](const std::string& what) {
    if (progress) progress(what);
  };
  std::function<void(Eigen::Index)> rows_done;
  if (images_done) {
    rows_done = [&images_done, total = data.size()](Eigen::Index done) { images_done(static_cast<int>(done), total); };
  }
  AccuracyResult r;
  r.images = data.size();
  say("fp32 reference");
  auto start = std::chrono::steady_clock::now();
  const std::vector<int> fp32_classes = workloads::predicted_classes(
      workloads::ReferenceExecutor(graph).run(data.samples, options.threads, 0, rows_done));
  r.fp32_top1 = workloads::accuracy_of(fp32_classes, data.labels);
  r.reference_s = seconds_since(start);
  say("programming the chip");
  start = std::chrono::steady_clock::now();
  const AnalogModel model(config, workloads::weight_layers(graph), mapping, capture_layer_inputs(graph, calibration),
                          options.ranges);
  r.programming_s = seconds_since(start);
  start = std::chrono::steady_clock::now();
  for (const double t : options.drift_times_s) {
    DriftAccuracy a;
    a.t_s = t;
    for (const bool compensate : {true, false}) {
      if (!compensate && !options.without_compensation) continue;
      say(duration_label(t) + (compensate ? ", drift compensation" : ", no compensation"));
      const workloads::ReferenceExecutor chip(graph, model.engine_at(t, compensate));
      const std::vector<int> classes =
          workloads::predicted_classes(chip.run(data.samples, options.threads, 0, rows_done));
      (compensate ? a.top1 : a.top1_no_compensation) = workloads::accuracy_of(classes, data.labels);
      if (compensate) {
        for (std::size_t i = 0; i < classes.size(); ++i) a.differing_images += classes[i] != fp32_classes[i];
      }
    }
    r.analog.push_back(a);
  }
  r.chip_s = seconds_since(start);
  return r;
}

}  // namespace imcsim::chip
