#include "runner/run.h"

#include <cmath>
#include <mutex>
#include <utility>

#include "base/errors.h"
#include "chip/simulation.h"
#include "chip/stage_estimates.h"
#include "chip/timed_training_step.h"
#include "hw/gemm_backend.h"
#include "traces/recorder.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

#ifndef IMCSIM_VERSION
#define IMCSIM_VERSION "unknown"
#endif

namespace imcsim::runner {

const char* version() { return IMCSIM_VERSION; }

PreparedRun prepare(const RunRequest& request) {
  // The limits of `imcsim run`'s options, so that a request runs here exactly when it runs in a worker.
  if (request.images < 0) throw ParameterError("images", "must be >= 0 (0: all)");
  if (request.threads < 1 || request.threads > 256) throw ParameterError("threads", "must be in 1..256");
  if (request.calibration_images < 1 || request.calibration_images > 60000) {
    throw ParameterError("calibration_images", "must be in 1..60000");
  }
  if (!request.timing_only && request.workload.empty() && request.drift_times_s.empty()) {
    throw ParameterError("drift_times_s", "the accuracy path needs at least one drift time");
  }
  for (const double t : request.drift_times_s) {
    if (!(t >= 0.0) || !std::isfinite(t)) throw ParameterError("drift_times_s", "a drift time must be finite and >= 0");
  }
  PreparedRun p;
  p.request = request;
  p.chip = request.chip;
  if (request.seed) p.chip.sim.seed = *request.seed;
  if (!request.workload.empty() && (request.graph || !request.model.empty())) {
    throw InputError(request.workload, 0, 0, "workload", "a run takes a workload or a model, not both");
  }
  if (!request.workload.empty()) {
    workloads::ShapeWorkload shapes = workloads::load_shape_workload(request.workload);
    p.model_name = shapes.graph.name;
    p.model_file = request.workload;
    p.workload_format = shapes.format;
    p.unsimulated = std::move(shapes.unsimulated);
    p.graph = std::make_shared<const workloads::Graph>(std::move(shapes.graph));
  } else if (request.graph) {
    p.model_name = request.graph->name;
    p.graph = request.graph;
  } else {
    p.model_name = request.model.empty() ? workloads::load_model_zoo().default_model : request.model;
    p.model_file = workloads::resolve_model(p.model_name);
    p.graph = std::make_shared<const workloads::Graph>(workloads::import_onnx(p.model_file));
  }
  p.timing_only = request.timing_only || !request.workload.empty();
  p.mapping = firmware::map_model(chip::estimated_layer_shapes(*p.graph, p.chip), chip::chip_geometry(p.chip),
                                  p.chip.compiler.replication);
  if (!request.range_calibration.empty()) {
    if (!request.workload.empty()) {
      throw InputError(request.range_calibration, 0, 0, "--calibration",
                       "a shape-only workload has no weights to calibrate");
    }
    p.range_calibration = chip::load_range_calibration(request.range_calibration);
    p.ranges = chip::resolve(*p.range_calibration, p.mapping, p.chip, request.range_calibration);
  }
  if (request.train_step) {
    const TrainStepRequest& step = *request.train_step;
    if (step.batch < 1 || step.batch > 4096) throw ParameterError("--batch", "must be in 1..4096");
    if (step.pulse_length < 1 || step.pulse_length > 1024) throw ParameterError("--pulse-length", "must be in 1..1024");
    if (!request.trace_path.empty()) {
      throw ParameterError("--trace", "a trace records inference runs only: leave out --train-step or --trace");
    }
    p.training_mapping = firmware::map_model(chip::estimated_layer_shapes(*p.graph, p.chip),
                                             chip::chip_geometry(p.chip), firmware::Replication::none);
    firmware::check_training_step_supported(*p.graph, p.training_mapping);
    if (step.activity) firmware::check_activity_shape(*step.activity, p.training_mapping);
  }
  return p;
}

RunAccuracy evaluate_accuracy(const PreparedRun& run, const RunProgress& progress) {
  if (run.timing_only) throw Error("evaluate_accuracy(): the run " + run.model_name + " is timing only");
  // One GEMM thread: the reduction order of every product, and so every number, whatever the thread count.
  static std::once_flag gemm_pinned;
  std::call_once(gemm_pinned, hw::use_single_threaded_gemm);
  const RunRequest& q = run.request;
  const workloads::Dataset data = workloads::load_dataset(q.dataset, q.images);
  workloads::check_dataset_fits(*run.graph, data, run.model_file);
  // Calibration (input scales, drift compensation): the first training images, never the test set.
  const workloads::Dataset calibration = workloads::load_fashion_mnist("train", q.calibration_images);
  chip::AccuracyOptions options;
  options.drift_times_s = q.drift_times_s;
  options.threads = q.threads;
  if (run.range_calibration) options.ranges = &run.ranges;
  RunAccuracy a;
  a.result = chip::evaluate_accuracy(run.chip, *run.graph, run.mapping, data, calibration.samples, options,
                                     progress.phase, progress.images);
  a.dataset = data.name;
  a.calibration = "the first " + std::to_string(calibration.size()) + " images of fashion-mnist:train";
  return a;
}

namespace {

/// The minibatch of a prepared run with a training step.
firmware::TrainingStep training_step_of(const PreparedRun& run) {
  const TrainStepRequest& step = *run.request.train_step;
  firmware::TrainingStepOptions options;
  options.batch = step.batch;
  options.pulse_length = step.pulse_length;
  options.forward = chip::model_program_options(run.chip, step.batch, false);
  return firmware::compile_training_step(
      *run.graph, run.training_mapping, options,
      step.activity ? *step.activity : firmware::expected_training_activity(run.training_mapping, step.pulse_length));
}

}  // namespace

TimedRun time_run(const PreparedRun& run, const RunProgress& progress) {
  const int inferences = run.chip.compiler.inferences;
  const auto& step = run.request.train_step;
  if (progress.phase) {
    progress.phase("timed run of " + std::to_string(inferences) + " inferences" +
                   (step ? " and a training step of " + std::to_string(step->batch) + " samples" : ""));
  }
  TimedRun t;
  t.compiled =
      firmware::compile_model(*run.graph, run.mapping, chip::model_program_options(run.chip, inferences, true));
  if (step) {
    t.training_program = training_step_of(run);
    chip::TimedTrainingRun both = chip::time_model_and_training_step(run.chip, t.compiled, *t.training_program);
    t.timing = std::move(both.inference);
    t.training_step = std::move(both.training_step);
  } else {
    t.timing = chip::time_model(run.chip, t.compiled);
  }
  if (!run.request.trace_path.empty()) {
    traces::write_trace(
        run.request.trace_path,
        traces::record_trace(run.chip, t.compiled, t.timing.simulation.instructions, t.timing.simulation.timeline));
  }
  return t;
}

RunResult run(const PreparedRun& prepared, const RunProgress& progress) {
  RunResult r;
  r.prepared = prepared;
  if (!prepared.timing_only) r.accuracy = evaluate_accuracy(prepared, progress);
  r.timed = time_run(prepared, progress);
  return r;
}

RunResult run(const RunRequest& request, const RunProgress& progress) { return run(prepare(request), progress); }

}  // namespace imcsim::runner
