// imcsim bench NAME: runs a named benchmark and prints its JSON.
//   mvm    noisy crossbar read against a plain GEMM (bench/benchmarks.h)
//   update  pulsed update of analog training against a dense rank-1 update (bench/update_bench.h)
//   lstm-training  the LSTM's training throughput on pulsed arrays against the digital trainer's
//                  (bench/training_bench.h)
//   executor  images per second of the FP32 reference executor on every zoo model (bench/executor_bench.h)
//   accuracy  the chip's accuracy path against the FP32 reference (bench/accuracy_bench.h)
//   calibrate  wall time of range calibration of cnn, objectives mse and loss (bench/calibrate_bench.h)
//   timed  speed of the timed SystemC model under full load, without and with the numeric work, each in its own
//          worker process (bench/timed_bench.h)
//   sweep  wall time of a 16-point sweep on 1 job, 2 jobs and 2 MPI ranks, speed-ups (sweep/bench.h)
//   replay  trace events replayed per second (bench/replay_bench.h)

#include <iostream>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/child_process.h"
#include "bench/accuracy_bench.h"
#include "bench/benchmarks.h"
#include "bench/calibrate_bench.h"
#include "bench/executor_bench.h"
#include "bench/replay_bench.h"
#include "bench/timed_bench.h"
#include "sweep/bench.h"

namespace imcsim::apps {

namespace {

struct BenchArgs {
  std::string name;
  bench::BenchOptions options;
  ChipOptions chip;
  bench::TimedBenchOptions timed;
  std::string worker;  ///< internal: plain | numerics
  std::size_t replay_events = 1000000;
  std::string sweep_file = chip::preset_directory() + "/sweeps/bench.yaml";
};

nlohmann::ordered_json run_bench(BenchArgs& a) {
  if (a.name == "accuracy") return bench::accuracy_benchmark();
  if (a.name == "calibrate") return bench::calibrate_benchmark();
  if (a.name == "executor") return bench::executor_benchmark();
  if (a.name == "sweep") return sweep::bench_sweep(self_executable(), a.sweep_file);
  if (a.name == "replay") return bench::replay_benchmark(a.chip.load(), a.replay_events);
  if (a.name == "timed") {
    a.timed.chip = a.chip.chip;
    a.timed.overrides = a.chip.overrides;
    if (a.worker.empty()) return bench::timed_benchmark(self_executable(), a.timed);
    return bench::timed_measurement(a.chip.load(), a.timed, a.worker == "numerics");
  }
  return bench::run_benchmark(a.name, a.options);
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<BenchArgs>();
  std::vector<std::string> names = bench::benchmark_names();
  names.insert(names.end(), {"timed", "executor", "accuracy", "calibrate", "replay", "sweep"});
  CLI::App* cmd = app.add_subcommand("bench", "Run a benchmark (reference and candidate in one run) and print JSON");
  cmd->add_option("name", a->name, "Benchmark")->required()->check(CLI::IsMember(names));
  cmd->add_option("--min-time", a->options.min_time_s, "mvm, update: least seconds per timed repetition")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--repetitions", a->options.repetitions, "mvm, update, lstm-training: repetitions per side (median reported; at most 3 training epochs)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", a->options.seed, "mvm, update, lstm-training: seed of the inputs and noise")->capture_default_str();
  add_chip_options(cmd, a->chip);
  cmd->add_option("--mvms-per-core", a->timed.mvms_per_core, "timed: MVMs per core without numerics")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--numeric-mvms-per-core", a->timed.numeric_mvms_per_core, "timed: MVMs per core with numerics")
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
    std::cout << run_bench(*a).dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
