#pragma once
// One run of imcsim as a function call: a model (or a shape-only workload) compiled onto a chip, its accuracy
// against the FP32 reference at each drift time (the accuracy path, plain C++), and its latency, throughput,
// energy and utilisation from the timed SystemC chip. `imcsim run` is flag parsing, a call of run(), and
// printing; sweeps, regress suites and the methods run the chip through this library too.
//
// Contract:
// - Every function throws imcsim::Error for what cannot run: InputError for bad input that names a file or key
//   (an unknown model, a malformed workload, a data set the model cannot take), ParameterError for a value that
//   cannot work (a model that needs more cores than the chip has). None exits or prints; progress goes only to
//   the callbacks given.
// - prepare() reads and checks everything a run needs (model, workload, mapping) and runs nothing, so a caller
//   can create output directories only once the input is known to be good.
// - evaluate_accuracy() is plain C++ (no SystemC) and may be called any number of times in a process, from any
//   thread, on the same or different PreparedRuns: the same request gives the same numbers.
// - time_run() and run() elaborate the SystemC chip, which a process can do once (chip/simulation.h): a
//   second call throws imcsim::Error. Code that needs timing per candidate in a loop calls run_report()
//   (runner/run_anywhere.h), which runs in this process while it can and in an imcsim worker process after.
// - A run is deterministic: the same request (seed included) gives byte-identical report_json(), whatever the
//   thread count.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "chip/range_calibration.h"
#include "chip/training_step_timing.h"
#include "firmware/model_compiler.h"
#include "firmware/model_mapping.h"
#include "firmware/training_step.h"
#include "workloads/graph.h"
#include "workloads/shape_workload.h"

namespace imcsim::runner {

/// A training step to time after the inferences (`imcsim run --train-step`; docs/training-step.md).
struct TrainStepRequest {
  int batch = 10;         ///< B, samples of the minibatch (1 to 4096)
  int pulse_length = 31;  ///< BL, slots per sample update (1 to 1024)
  /// The updates' activity, per tile of PreparedRun::training_mapping; absent: the expected rule
  /// (firmware::expected_training_activity at the default line probabilities). Measured counts (the numerics'
  /// hw::PulsedArray::update) come in through firmware::measured_training_activity; such a run cannot go to a
  /// worker process (runner/run_anywhere.h).
  std::optional<firmware::TrainingActivity> activity;
};

/// What to run, on which chip, over which data.
struct RunRequest {
  chip::ChipConfig chip = chip::default_chip_config();  ///< resolved (chip::load_chip_config)
  /// A zoo model's name or an .onnx file; empty (and no workload, no graph): the zoo's default model.
  std::string model;
  /// A shape-only workload file (docs/workloads.md): timing and energy only, no accuracy.
  std::string workload;
  /// A graph built in code, in place of `model` (named by graph->name; report.json's model_file is empty).
  std::shared_ptr<const workloads::Graph> graph;
  std::string dataset = "fashion-mnist";  ///< fashion-mnist, fashion-mnist:train or a data set YAML file
  int images = 0;                         ///< at most this many images of the data set (0: all)
  std::vector<double> drift_times_s = {1.0, 3600.0, 86400.0, 365.0 * 86400.0};
  std::optional<std::uint64_t> seed;  ///< of every random stream; absent: chip.sim.seed
  int threads = 2;                    ///< worker threads of the accuracy path
  bool timing_only = false;           ///< skip the accuracy path (a workload is always timing only)
  int calibration_images = 32;        ///< the first training images: input scales and drift compensation
  std::string trace_path;             ///< record the timed run there as a trace (docs/trace.md); empty: none
  /// A range calibration file (docs/calibration.md) the accuracy path uses; empty: none.
  std::string range_calibration;
  /// Also time one training minibatch after the inferences (no trace then: trace_path must be empty).
  std::optional<TrainStepRequest> train_step;
};

/// Told what the run is doing: `phase` as each phase begins ("fp32", "t = 3600 s", "timed run of 8
/// inferences"), `images` during the passes over the data set (done of total, one call at a time).
struct RunProgress {
  std::function<void(const std::string& phase)> phase;
  std::function<void(int done, int total)> images;
};

/// A request read and checked: the chip with the request's seed, the graph, its mapping onto the chip.
struct PreparedRun {
  RunRequest request;
  chip::ChipConfig chip;  ///< request.chip with request.seed applied
  std::string model_name;
  std::string model_file;       ///< the ONNX or workload file; empty for a graph built in code
  std::string workload_format;  ///< a shape-only workload's format; empty otherwise
  std::shared_ptr<const workloads::Graph> graph;
  std::vector<workloads::UnsimulatedProduct> unsimulated;  ///< a workload's products no crossbar can hold
  firmware::ModelMapping mapping;
  bool timing_only = false;                                 ///< no accuracy path (requested, or a shape-only workload)
  std::optional<chip::RangeCalibration> range_calibration;  ///< request.range_calibration, read
  chip::ResolvedRanges ranges;  ///< range_calibration resolved against `mapping`; empty without one
  /// With a training step: the weight layers mapped without replication, as the training step runs them.
  firmware::ModelMapping training_mapping;
};

/// The accuracy path's outcome with what it ran on.
struct RunAccuracy {
  chip::AccuracyResult result;  ///< top-1 of FP32 and of the chip at each drift time
  std::string dataset;          ///< the data set's name
  std::string calibration;      ///< which images calibrated the run
};

/// The timed run's outcome with the Program it ran.
struct TimedRun {
  firmware::CompiledModel compiled;  ///< the Program the timed chip ran
  chip::ModelTiming timing;          ///< latency, throughput, energy per layer and component, utilisation, programming
  std::optional<firmware::TrainingStep> training_program;  ///< with a training step: the minibatch's Program
  std::optional<chip::TrainingStepTiming> training_step;   ///< and its figures (chip/training_step_timing.h)
};

/// Everything one run measured.
struct RunResult {
  PreparedRun prepared;
  std::optional<RunAccuracy> accuracy;  ///< absent when timing only
  TimedRun timed;
};

/// Reads the model or workload and maps it onto the chip, and reads the range calibration file and resolves it
/// against the mapping; with a training step, checks it (ParameterError naming --batch, --pulse-length, --trace
/// or --train-step) and maps the model for it. Throws InputError or ParameterError (see the top).
PreparedRun prepare(const RunRequest& request);

/// The accuracy path of a prepared run (which must not be timing only): FP32 and the chip at every drift time.
RunAccuracy evaluate_accuracy(const PreparedRun& run, const RunProgress& progress = {});

/// The timed run of a prepared run: compiles it and simulates compiler.inferences pipelined inferences on the
/// SystemC chip (once per process), then records the trace if the request names a file. With a training step,
/// the same simulation runs the minibatch after the inferences (chip/timed_training_step.h).
TimedRun time_run(const PreparedRun& run, const RunProgress& progress = {});

/// The accuracy path (unless timing only), then the timed run (once per process).
RunResult run(const PreparedRun& prepared, const RunProgress& progress = {});
/// prepare(request), then run() it.
RunResult run(const RunRequest& request, const RunProgress& progress = {});

/// The version written into reports ("0.1.0").
const char* version();

}  // namespace imcsim::runner
