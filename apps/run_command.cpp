// imcsim run: the main job. A model compiled onto a chip: accuracy against the FP32 reference at each drift time,
// the mapping, and (from the timed SystemC run) latency, throughput and energy. A summary table on the terminal,
// report.json, report.html, layers.csv, components.csv (report/run_files.h) and timeline.json (Perfetto) in
// --out DIR.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "apps/progress.h"
#include "base/durations.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "firmware/model_compiler.h"
#include "firmware/model_mapping.h"
#include "interconnect/network_config.h"
#include "report/run_files.h"
#include "report/timeline.h"
#include "report/timing_json.h"
#include "report/utilisation.h"
#include "traces/recorder.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/shape_workload.h"

namespace imcsim::apps {

namespace {

struct RunOptions {
  ChipOptions chip;
  std::string model;  ///< empty: the zoo's default
  std::string dataset = "fashion-mnist";
  int images = 0;
  std::string drift_times = "1s,1h,1d,1y";
  std::string out;
  std::uint64_t seed = 0;  ///< 0: the config's sim.seed
  bool seed_given = false;
  int threads = 2;
  int calibration_images = 32;
  std::string trace;         ///< transaction-level trace of the timed run (docs/trace.md)
  std::string workload;      ///< a shape-only workload file (docs/workloads.md): timing and energy only
  bool timing_only = false;  ///< skip the accuracy path (the weights are ignored)
  bool no_timeline = false;  ///< --out without timeline.json (sweeps: thousands of points)
};

nlohmann::ordered_json mapping_json(const firmware::ModelMapping& m) {
  nlohmann::ordered_json j;
  j["replication"] = firmware::replication_name(m.replication);
  j["cores_used"] = m.cores_used();
  j["cores_available"] = m.chip.cores();
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : m.layers) {
    nlohmann::ordered_json core_ids = nlohmann::ordered_json::array();
    for (const auto& tile : l.tiles) core_ids.push_back(tile.core);
    j["layers"].push_back({{"name", l.shape.name},
                           {"rows", l.shape.rows},
                           {"cols", l.shape.cols},
                           {"mvms_per_inference", l.shape.mvms_per_inference},
                           {"row_tiles", l.row_tiles},
                           {"col_tiles", l.col_tiles},
                           {"replicas", l.replicas},
                           {"cores", static_cast<int>(l.tiles.size())},
                           {"core_ids", core_ids},
                           {"cell_utilisation", l.cell_utilisation(m.chip)}});
  }
  return j;
}

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
}

/// The accuracy path: the data set, calibration, FP32 and the chip at each drift time, into r["dataset"], r["seed"],
/// r["imcsim_version"] and r["accuracy"].
void evaluate(const RunOptions& o, const chip::ChipConfig& config, const workloads::Graph& graph,
              const std::string& model_path, const firmware::ModelMapping& mapping,
              const std::vector<double>& drift_times, ProgressBar& progress, nlohmann::ordered_json& r) {
  const workloads::Dataset data = workloads::load_dataset(o.dataset, o.images);
  workloads::check_dataset_fits(graph, data, model_path);
  // Calibration (input scales, drift compensation): the first training images, never the test set.
  const workloads::Dataset calibration = workloads::load_fashion_mnist("train", o.calibration_images);
  chip::AccuracyOptions accuracy_options;
  accuracy_options.drift_times_s = drift_times;
  accuracy_options.threads = o.threads;
  // Progress on stderr: a bar with the images done and the time left on a terminal, a line per phase otherwise.
  const chip::AccuracyResult accuracy = chip::evaluate_accuracy(
      config, graph, mapping, data, calibration.samples, accuracy_options,
      [&progress](const std::string& what) { progress.phase(what); },
      [&progress](int done, int total) { progress.update(done, total); });
  r["dataset"] = data.name;
  r["seed"] = config.sim.seed;
  r["imcsim_version"] = IMCSIM_VERSION;
  nlohmann::ordered_json a;
  a["images"] = accuracy.images;
  a["fp32"] = accuracy.fp32_top1;
  a["analog"] = nlohmann::ordered_json::array();
  for (const auto& d : accuracy.analog) {
    a["analog"].push_back({{"t_s", d.t_s},
                           {"top1", d.top1},
                           {"top1_no_compensation", d.top1_no_compensation},
                           {"differing_images", d.differing_images}});
  }
  a["calibration"] = "the first " + std::to_string(calibration.size()) + " images of fashion-mnist:train";
  r["accuracy"] = a;
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
  cmd->callback([o, cmd, &exit_code]() {
    chip::ChipConfig config = o->chip.load();
    if (cmd->count("--seed") > 0) config.sim.seed = o->seed;
    const std::vector<double> drift_times = parse_durations_s(o->drift_times, "--drift-times");
    const firmware::Replication replication = config.compiler.replication;
    workloads::ShapeWorkload shapes;
    std::string model_name, model_path;
    if (!o->workload.empty()) {
      shapes = workloads::load_shape_workload(o->workload);
      model_name = shapes.graph.name;
      model_path = o->workload;
    } else {
      model_name = o->model.empty() ? workloads::load_model_zoo().default_model : o->model;
      model_path = workloads::resolve_model(model_name);
      shapes.graph = workloads::import_onnx(model_path);
    }
    const workloads::Graph& graph = shapes.graph;
    const bool timing_only = o->timing_only || !o->workload.empty();
    // After the workload is read: a malformed file leaves nothing behind, not even the directory.
    if (!o->out.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o->out, ec);
      if (ec) throw InputError(o->out, 0, 0, "--out", "cannot create the directory: " + ec.message());
    }
    const firmware::ModelMapping mapping =
        firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), replication);
    nlohmann::ordered_json r;
    r["model"] = model_name;
    r["model_file"] = model_path;
    if (!o->workload.empty()) r["workload_format"] = shapes.format;
    ProgressBar progress("imcsim run");
    if (timing_only) {
      r["seed"] = config.sim.seed;
      r["imcsim_version"] = IMCSIM_VERSION;
      r["accuracy"] = {{"absent", o->workload.empty() ? "--timing-only: the accuracy path was skipped"
                                                      : "shape-only workload: no weights"}};
    } else {
      evaluate(*o, config, graph, model_path, mapping, drift_times, progress, r);
    }
    if (!shapes.unsimulated.empty()) {
      r["unsimulated"] = nlohmann::ordered_json::array();
      for (const auto& u : shapes.unsimulated)
        r["unsimulated"].push_back(
            {{"name", u.name}, {"macs_per_inference", u.macs_per_inference}, {"reason", u.reason}});
    }
    r["mapping"] = mapping_json(mapping);
    progress.phase("timed run of " + std::to_string(config.compiler.inferences) + " inferences");
    const firmware::CompiledModel compiled =
        firmware::compile_model(graph, mapping, chip::model_program_options(config, config.compiler.inferences, true));
    const chip::ModelTiming timing = chip::time_model(config, compiled);
    progress.finish();
    if (!o->trace.empty()) {
      traces::write_trace(
          o->trace, traces::record_trace(config, compiled, timing.simulation.instructions, timing.simulation.timeline));
    }
    report::add_timing(r, timing);
    r["utilisation"]["per_core"] = report::per_core_utilisation(compiled, timing, config.cores.count);
    r["utilisation"]["per_link"] = report::per_link_utilisation(timing, config.interconnect);
    report::add_chip(r, config);
    print_summary(r);
    if (!o->out.empty()) {
      report::write_run_files(o->out, r);
      if (!o->no_timeline)
        write_file_atomically(o->out + "/timeline.json",
                              report::chrome_trace_text(report::chrome_trace(
                                  timing.simulation.timeline, &compiled.program, compiled.instruction_inference)));
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
