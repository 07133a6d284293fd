// imcsim run: the main job. A model compiled onto a chip: accuracy against the FP32 reference at each drift time,
// the mapping, and (from the timed SystemC run) latency, throughput and energy; with --train-step also one
// training minibatch's latency and energy per phase and layer. A summary table on the terminal,
// report.json, report.html, layers.csv, components.csv (report/run_files.h) and timeline.json (Perfetto) in
// --out DIR.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "apps/progress.h"
#include "base/durations.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "report/run_files.h"
#include "report/timeline.h"
#include "runner/run.h"
#include "runner/run_report.h"

namespace imcsim::apps {

namespace {

struct RunOptions {
  ChipOptions chip;
  std::string model;  ///< empty: the zoo's default
  std::string dataset = "fashion-mnist";
  int images = 0;
  std::string drift_times = "1s,1h,1d,1y";
  std::string out;
  std::uint64_t seed = 0;  ///< given with --seed: replaces the config's sim.seed
  int threads = 2;
  int calibration_images = 32;
  std::string range_calibration;  ///< a range calibration file (docs/calibration.md)
  std::string trace;              ///< transaction-level trace of the timed run (docs/trace.md)
  std::string workload;           ///< a shape-only workload file (docs/workloads.md): timing and energy only
  bool timing_only = false;       ///< skip the accuracy path (the weights are ignored)
  bool no_timeline = false;       ///< --out without timeline.json (sweeps: thousands of points)
  bool train_step = false;        ///< also time one training minibatch (docs/training-step.md)
  int batch = 10;
  int pulse_length = 31;
};

void print_summary(const nlohmann::ordered_json& r) {
  const nlohmann::ordered_json& accuracy = r["accuracy"];
  if (accuracy.contains("absent")) {
    std::printf("imcsim run: %s on %s, timing only\n", r["model"].get<std::string>().c_str(),
                r["chip"]["name"].get<std::string>().c_str());
  } else {
    std::printf("imcsim run: %s on %s, %d images\n", r["model"].get<std::string>().c_str(),
                r["chip"]["name"].get<std::string>().c_str(), accuracy["images"].get<int>());
  }
  std::printf("  mapping: %d of %d cores\n", r["mapping"]["cores_used"].get<int>(),
              r["mapping"]["cores_available"].get<int>());
  if (accuracy.contains("absent")) {
    std::printf("  accuracy: not evaluated (%s)\n", accuracy["absent"].get<std::string>().c_str());
  } else {
    std::printf("  accuracy (top-1)     FP32 %.4f\n", accuracy["fp32"].get<double>());
    std::printf("  %14s %12s %16s %20s\n", "t_s", "compensated", "not compensated", "differ from FP32");
    for (const auto& a : accuracy["analog"]) {
      std::printf("  %14.0f %12.4f %16.4f %20d\n", a["t_s"].get<double>(), a["top1"].get<double>(),
                  a["top1_no_compensation"].get<double>(), a["differing_images"].get<int>());
    }
  }
  if (r.contains("unsimulated")) {
    for (const auto& u : r["unsimulated"])
      std::printf("  not simulated: %s, %lld MACs per inference\n", u["name"].get<std::string>().c_str(),
                  static_cast<long long>(u["macs_per_inference"].get<std::int64_t>()));
  }
  std::printf("  latency per inference %.1f ns, throughput %.0f inferences/s (%.3f TOPS)\n",
              r["latency"]["per_inference_ns"].get<double>(), r["throughput"]["inferences_per_s"].get<double>(),
              r["throughput"]["tops"].get<double>());
  std::printf("  energy per inference %.4f uJ (%.2f TOPS/W); programming %.1f us, %.2f uJ\n",
              r["energy"]["per_inference_uj"].get<double>(), r["energy"]["tops_per_w"].get<double>(),
              r["programming"]["time_ns"].get<double>() * 1e-3, r["programming"]["energy_uj"].get<double>());
  std::printf("  %-28s %6s %14s %12s %12s\n", "layer", "cores", "latency (ns)", "utilisation", "energy (uJ)");
  for (std::size_t k = 0; k < r["latency"]["per_layer"].size(); ++k) {
    const auto& l = r["latency"]["per_layer"][k];
    std::printf("  %-28s %6d %14.1f %12.3f %12.5f\n", l["name"].get<std::string>().c_str(), l["cores"].get<int>(),
                l["latency_ns"].get<double>(), l["utilisation"].get<double>(),
                r["energy"]["per_layer"][k]["energy_uj"].get<double>());
  }
  std::printf("  energy breakdown (uJ per inference):");
  for (const auto& [component, uj] : r["energy"]["breakdown"].items())
    std::printf(" %s %.4f", component.c_str(), uj.get<double>());
  std::printf("\n");
  if (!r.contains("training_step")) return;
  const nlohmann::ordered_json& t = r["training_step"];
  std::printf(
      "  training step: %d samples, BL %d: %.1f ns per minibatch (%.0f images/s), %.4f uJ (%.4f uJ per image)\n",
      t["batch"].get<int>(), t["pulse_length"].get<int>(), t["minibatch"]["latency_ns"].get<double>(),
      t["minibatch"]["images_per_s"].get<double>(), t["minibatch"]["energy_uj"].get<double>(),
      t["minibatch"]["energy_per_image_uj"].get<double>());
  std::printf("  %-10s %14s %14s %14s\n", "phase", "latency (ns)", "busy (ns)", "energy (uJ)");
  for (const auto& p : t["phases"]) {
    std::printf("  %-10s %14.1f %14.1f %14.5f\n", p["name"].get<std::string>().c_str(), p["latency_ns"].get<double>(),
                p["busy_ns"].get<double>(), p["energy_uj"].get<double>());
  }
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "The main job: a model on a chip, accuracy, latency and energy");
  add_chip_options(cmd, o->chip);
  cmd->add_option("--model", o->model, "A zoo model's name or an .onnx file (default: the zoo's default model)");
  cmd->add_option("--workload", o->workload,
                  "A shape-only workload file (YAML, CSV, SCALE-Sim or NeuroSim; docs/workloads.md): timing and "
                  "energy only")
      ->excludes("--model");
  cmd->add_flag("--timing-only", o->timing_only, "Timing and energy only: skip the accuracy path (weights ignored)");
  cmd->add_option("--dataset", o->dataset, "fashion-mnist, fashion-mnist:train, or a data set YAML file")
      ->capture_default_str();
  cmd->add_option("--images", o->images, "At most this many images (0: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--drift-times", o->drift_times, "Times after programming, e.g. 1s,1h,1d,1y (s, m, h, d, y)")
      ->capture_default_str();
  cmd->add_option("--out", o->out,
                  "Directory for report.json, report.html, layers.csv, components.csv and timeline.json");
  cmd->add_flag("--no-timeline", o->no_timeline, "Leave timeline.json out of --out (it is the largest file)");
  cmd->add_option("--trace", o->trace, "Record the timed run as a binary trace (docs/trace.md; imcsim trace)");
  cmd->add_option("--seed", o->seed, "Seed of every random stream (default: the config's sim.seed)");
  cmd->add_option("--threads", o->threads, "Worker threads of the accuracy path")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--calibration-images", o->calibration_images,
                  "Training images that calibrate input scales and drift compensation")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  cmd->add_option("--calibration", o->range_calibration,
                  "A range calibration file (imcsim calibrate; docs/calibration.md): per-tile DAC input and ADC "
                  "ranges, per-column conductance ranges");
  cmd->add_flag("--train-step", o->train_step,
                "Also time one training minibatch after the inferences: forward, backward and pulsed update "
                "(docs/training-step.md)");
  cmd->add_option("--batch", o->batch, "--train-step: samples per minibatch (1 to 4096)")->capture_default_str();
  cmd->add_option("--pulse-length", o->pulse_length, "--train-step: BL, slots per sample update (1 to 1024)")
      ->capture_default_str();
  cmd->callback([o, cmd, &exit_code]() {
    for (const char* option : {"--batch", "--pulse-length"}) {
      if (cmd->count(option) > 0 && !o->train_step) throw ParameterError(option, "needs --train-step");
    }
    runner::RunRequest request;
    if (o->train_step) request.train_step = runner::TrainStepRequest{o->batch, o->pulse_length, std::nullopt};
    request.chip = o->chip.load();
    if (cmd->count("--seed") > 0) request.seed = o->seed;
    request.drift_times_s = parse_durations_s(o->drift_times, "--drift-times");
    request.model = o->model;
    request.workload = o->workload;
    request.dataset = o->dataset;
    request.images = o->images;
    request.threads = o->threads;
    request.timing_only = o->timing_only;
    request.calibration_images = o->calibration_images;
    request.trace_path = o->trace;
    request.range_calibration = o->range_calibration;
    const runner::PreparedRun prepared = runner::prepare(request);
    // After the workload is read: a malformed file leaves nothing behind, not even the directory.
    if (!o->out.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o->out, ec);
      if (ec) throw InputError(o->out, 0, 0, "--out", "cannot create the directory: " + ec.message());
    }
    // Progress on stderr: a bar with the images done and the time left on a terminal, a line per phase otherwise.
    ProgressBar progress("imcsim run");
    const runner::RunResult result =
        runner::run(prepared, {[&progress](const std::string& what) { progress.phase(what); },
                               [&progress](int done, int total) { progress.update(done, total); }});
    progress.finish();
    const nlohmann::ordered_json r = runner::report_json(result);
    print_summary(r);
    if (!o->out.empty()) {
      report::write_run_files(o->out, r);
      const auto& timed = result.timed;
      if (!o->no_timeline)
        write_file_atomically(o->out + "/timeline.json",
                              report::chrome_trace_text(report::chrome_trace(timed.timing.simulation.timeline,
                                                                             &timed.compiled.program,
                                                                             timed.compiled.instruction_inference)));
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
