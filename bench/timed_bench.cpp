#include "bench/timed_bench.h"

#include "bench/full_load.h"
#include "bench/worker.h"
#include "chip/simulation.h"

namespace imcsim::bench {

nlohmann::ordered_json timed_measurement(const chip::ChipConfig& config, const TimedBenchOptions& options,
                                         bool numerics) {
  const int mvms = numerics ? options.numeric_mvms_per_core : options.mvms_per_core;
  const firmware::Program program = full_load_program(config.cores.count, config.cores.rows, config.cores.cols, mvms);
  chip::SimulationOptions simulation;
  simulation.numerics = numerics;
  const chip::SimulationResult r = chip::simulate(config, program, simulation);
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

std::vector<std::string> timed_worker_arguments(const TimedBenchOptions& options, bool numerics) {
  std::vector<std::string> args{"bench",
                                "timed",
                                "--chip",
                                options.chip,
                                "--mvms-per-core",
                                std::to_string(options.mvms_per_core),
                                "--numeric-mvms-per-core",
                                std::to_string(options.numeric_mvms_per_core)};
  for (const auto& s : options.overrides) args.insert(args.end(), {"--set", s});
  args.insert(args.end(), {"--worker", numerics ? "numerics" : "plain"});
  return args;
}

nlohmann::ordered_json timed_benchmark(const std::string& executable, const TimedBenchOptions& options) {
  const nlohmann::json plain = run_worker(executable, timed_worker_arguments(options, false));
  const nlohmann::json numeric = run_worker(executable, timed_worker_arguments(options, true));
  nlohmann::ordered_json j;
  j["benchmark"] = "timed";
  j["without_numerics"] = plain;
  j["with_numerics"] = numeric;
  j["mvm_per_wall_s_without_numerics"] = plain["mvm_per_wall_s"];
  j["mvm_per_wall_s_with_numerics"] = numeric["mvm_per_wall_s"];
  j["ratio"] = plain["mvm_per_wall_s"].get<double>() / numeric["mvm_per_wall_s"].get<double>();
  return j;
}

}  // namespace imcsim::bench
