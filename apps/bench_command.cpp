// imcsim bench NAME: runs a named benchmark and prints its JSON.
//   mvm    noisy crossbar read against a plain GEMM (bench/)
//   executor  images per second of the FP32 reference executor on every zoo model, one and two threads
//   accuracy  the chip's accuracy path against the FP32 reference, default model, 10,000 images, 1 h compensated
//   timed  speed of the timed SystemC model: MVM transactions of the 64-core chip under full load per second
//          of wall time, without and with the numeric work (each in its own worker process)
//   sweep  wall time of a 16-point sweep (configs/sweeps/bench.yaml) on 1 job, 2 jobs and 2 MPI ranks, speed-ups
//   replay  trace events replayed per second (traces/replay.h): a trace of >= 1 million events of the zoo MLP,
//           with and without filling the per-instruction records

#include <iostream>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "apps/worker.h"
#include "base/child_process.h"
#include "base/errors.h"
#include "bench/benchmarks.h"
#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "firmware/model_compiler.h"
#include "firmware/model_mapping.h"
#include "sweep/bench.h"
#include "traces/recorder.h"
#include "traces/replay.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

#include <algorithm>
#include <chrono>
#include <fstream>

namespace imcsim::apps {

namespace {

struct BenchArgs {
  std::string name;
  bench::BenchOptions options;
  ChipOptions chip;
  int mvms_per_core = 4000;
  int numeric_mvms_per_core = 200;
  std::string worker;  ///< internal: plain | numerics
  std::size_t replay_events = 1000000;
  std::string sweep_file = chip::preset_directory() + "/sweeps/bench.yaml";
};

/// Every core runs `mvms` single-vector MVMs back to back.
firmware::Program full_load(int cores, int rows, int cols, int mvms) {
  firmware::Program p;
  p.name = "full_load";
  firmware::Instruction mvm;
  mvm.op = firmware::Op::mvm;
  mvm.rows = rows;
  mvm.cols = cols;
  for (int c = 0; c < cores; ++c) {
    mvm.core = c;
    p.instructions.insert(p.instructions.end(), static_cast<std::size_t>(mvms), mvm);
  }
  return p;
}

nlohmann::ordered_json timed_worker(const BenchArgs& a) {
  const chip::ChipConfig config = a.chip.load();
  const bool numerics = a.worker == "numerics";
  const int mvms = numerics ? a.numeric_mvms_per_core : a.mvms_per_core;
  const firmware::Program program = full_load(config.cores.count, config.cores.rows, config.cores.cols, mvms);
  chip::SimulationOptions options;
  options.numerics = numerics;
  const chip::SimulationResult r = chip::simulate(config, program, options);
  nlohmann::ordered_json j;
  j["numerics"] = numerics;
  j["cores"] = config.cores.count;
  j["mvm_transactions"] = r.mvm_vectors;
  j["simulated_ns"] = r.latency_ns;
  j["wall_s"] = r.wall_s;
  j["mvm_per_wall_s"] = r.mvm_vectors / r.wall_s;
  j["simulated_ns_per_wall_s"] = r.latency_ns / r.wall_s;
  return j;
}

nlohmann::ordered_json timed_benchmark(const BenchArgs& a) {
  std::vector<std::string> common{"bench",
                                  "timed",
                                  "--chip",
                                  a.chip.chip,
                                  "--mvms-per-core",
                                  std::to_string(a.mvms_per_core),
                                  "--numeric-mvms-per-core",
                                  std::to_string(a.numeric_mvms_per_core)};
  for (const auto& s : a.chip.overrides) common.insert(common.end(), {"--set", s});
  auto plain_args = common;
  plain_args.insert(plain_args.end(), {"--worker", "plain"});
  auto numeric_args = common;
  numeric_args.insert(numeric_args.end(), {"--worker", "numerics"});
  const nlohmann::json plain = run_worker(plain_args);
  const nlohmann::json numeric = run_worker(numeric_args);
  nlohmann::ordered_json j;
  j["benchmark"] = "timed";
  j["without_numerics"] = plain;
  j["with_numerics"] = numeric;
  j["mvm_per_wall_s_without_numerics"] = plain["mvm_per_wall_s"];
  j["mvm_per_wall_s_with_numerics"] = numeric["mvm_per_wall_s"];
  j["ratio"] = plain["mvm_per_wall_s"].get<double>() / numeric["mvm_per_wall_s"].get<double>();
  return j;
}

/// The reference executor's speed on every zoo model, one and two threads, over the 10,000 test images.
nlohmann::ordered_json executor_benchmark() {
  const workloads::ModelZoo zoo = workloads::load_model_zoo();
  const workloads::Dataset test = workloads::load_fashion_mnist("test");
  nlohmann::ordered_json j;
  j["benchmark"] = "executor";
  j["images"] = test.size();
  j["models"] = nlohmann::ordered_json::array();
  for (const auto& m : zoo.models) {
    const workloads::ReferenceExecutor exec(workloads::import_onnx(m.path));
    nlohmann::ordered_json entry;
    entry["name"] = m.name;
    for (const int threads : {1, 2}) {
      exec.run(test.samples, threads);  // warm-up
      const auto start = std::chrono::steady_clock::now();
      constexpr int repetitions = 3;
      for (int r = 0; r < repetitions; ++r) exec.run(test.samples, threads);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      entry["images_per_s_" + std::to_string(threads) + "_thread" + (threads > 1 ? "s" : "")] =
          repetitions * test.size() / seconds;
    }
    entry["ratio"] = entry["images_per_s_2_threads"].get<double>() / entry["images_per_s_1_thread"].get<double>();
    j["models"].push_back(entry);
  }
  return j;
}

/// The accuracy path against the FP32 reference on the default model, all 10,000 test images, one drift time
/// (1 h) with compensation, both on two threads in this process.
nlohmann::ordered_json accuracy_benchmark() {
  const chip::ChipConfig config = chip::load_chip_config("hermes64");
  const workloads::ModelZoo zoo = workloads::load_model_zoo();
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model(zoo.default_model));
  const workloads::Dataset test = workloads::load_fashion_mnist("test");
  const firmware::ModelMapping mapping =
      firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), firmware::Replication::none);
  chip::AccuracyOptions options;
  options.drift_times_s = {3600.0};
  options.without_compensation = false;
  const chip::AccuracyResult r = chip::evaluate_accuracy(config, graph, mapping, test,
                                                         workloads::load_fashion_mnist("train", 32).samples, options);
  nlohmann::ordered_json j;
  j["benchmark"] = "accuracy";
  j["model"] = zoo.default_model;
  j["chip"] = config.name;
  j["images"] = r.images;
  j["threads"] = options.threads;
  j["reference_s"] = r.reference_s;
  j["chip_s"] = r.chip_s;
  j["programming_s"] = r.programming_s;
  j["ratio"] = r.chip_s / r.reference_s;
  j["fp32_top1"] = r.fp32_top1;
  j["chip_top1"] = r.analog.front().top1;
  return j;
}

/// The trace replayer's speed: a trace of the zoo MLP with enough pipelined inferences for `events` events, built
/// from the compiled Program (no SystemC run), replayed on the chip without link-booking records.
nlohmann::ordered_json replay_benchmark(const BenchArgs& a) {
  const chip::ChipConfig config = a.chip.load();
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model("mlp"));
  const firmware::ModelMapping mapping =
      firmware::map_model(chip::layer_shapes(graph), chip::chip_geometry(config), firmware::Replication::none);
  const auto build_start = std::chrono::steady_clock::now();
  const std::size_t per_inference =
      firmware::compile_model(graph, mapping, chip::model_program_options(config, 1, false))
          .program.instructions.size();
  const int inferences = static_cast<int>(a.replay_events / std::max<std::size_t>(1, per_inference) + 1);
  const traces::Trace trace = traces::record_trace(
      config, firmware::compile_model(graph, mapping, chip::model_program_options(config, inferences, false)), {});
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();
  traces::ReplayOptions options;
  options.link_bookings = false;
  // The first replay also pays for first touching its memory (page faults); the best of three is reported.
  // replay_s: preparing the trace's streams and cost classes, re-timing every event, the latency and energy
  // totals; records_s: filling the per-instruction records of the result from the replayed events.
  std::vector<double> replay_s;
  std::vector<double> records_s;
  traces::ReplayResult r;
  for (int repetition = 0; repetition < 3; ++repetition) {
    r = traces::replay_trace(trace, config, options);
    replay_s.push_back(r.wall_s);
    records_s.push_back(r.records_s);
  }
  const std::size_t best =
      static_cast<std::size_t>(std::min_element(replay_s.begin(), replay_s.end()) - replay_s.begin());
  const double best_s = replay_s[best];
  nlohmann::ordered_json j;
  j["benchmark"] = "replay";
  j["model"] = "mlp";
  j["chip"] = config.name;
  j["inferences"] = inferences;
  j["events"] = r.events;
  j["build_s"] = build_s;
  j["replay_s"] = best_s;
  j["events_per_s"] = static_cast<double>(r.events) / best_s;
  j["replay_s_each"] = replay_s;
  j["events_per_s_first"] = static_cast<double>(r.events) / replay_s.front();
  j["records_s"] = records_s[best];
  j["events_per_s_with_records"] = static_cast<double>(r.events) / (best_s + records_s[best]);
  j["simulated_ns"] = r.run.latency_ns;
  return j;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<BenchArgs>();
  std::vector<std::string> names = bench::benchmark_names();
  names.push_back("timed");
  names.push_back("executor");
  names.push_back("accuracy");
  names.push_back("replay");
  names.push_back("sweep");
  CLI::App* cmd = app.add_subcommand("bench", "Run a benchmark (reference and candidate in one run) and print JSON");
  cmd->add_option("name", a->name, "Benchmark")->required()->check(CLI::IsMember(names));
  cmd->add_option("--min-time", a->options.min_time_s, "mvm: least seconds per timed repetition")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--repetitions", a->options.repetitions, "mvm: repetitions per side (median reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", a->options.seed, "mvm: seed of the inputs and noise")->capture_default_str();
  add_chip_options(cmd, a->chip);
  cmd->add_option("--mvms-per-core", a->mvms_per_core, "timed: MVMs per core without numerics")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--numeric-mvms-per-core", a->numeric_mvms_per_core, "timed: MVMs per core with numerics")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--events", a->replay_events, "replay: at least this many trace events")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--sweep", a->sweep_file, "sweep: the sweep file (>= 16 points of similar cost)")
      ->capture_default_str();
  cmd->add_option("--worker", a->worker, "internal: run one timed measurement in this process")
      ->check(CLI::IsMember({"plain", "numerics"}))
      ->group("");
  cmd->callback([a, &exit_code]() {
    if (a->name == "accuracy") {
      std::cout << accuracy_benchmark().dump(2) << "\n";
      exit_code = 0;
      return;
    }
    if (a->name == "executor") {
      std::cout << executor_benchmark().dump(2) << "\n";
    } else if (a->name == "sweep") {
      std::cout << sweep::bench_sweep(self_executable(), a->sweep_file).dump(2) << "\n";
    } else if (a->name == "replay") {
      std::cout << replay_benchmark(*a).dump(2) << "\n";
    } else if (a->name == "timed") {
      std::cout << (a->worker.empty() ? timed_benchmark(*a) : timed_worker(*a)).dump(2) << "\n";
    } else {
      std::cout << bench::run_benchmark(a->name, a->options).dump(2) << "\n";
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
