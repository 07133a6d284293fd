// imcsim bench NAME: runs a named benchmark and prints its JSON.

#include <iostream>

#include "apps/commands.h"
#include "bench/benchmarks.h"

namespace imcsim::apps {

void add_bench_command(CLI::App& app, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto options = std::make_shared<bench::BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Run a benchmark (reference and candidate in one run) and print JSON");
  cmd->add_option("name", *name, "Benchmark")->required()->check(CLI::IsMember(bench::benchmark_names()));
  cmd->add_option("--min-time", options->min_time_s, "Least seconds per timed repetition")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--repetitions", options->repetitions, "Repetitions per side (median reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Seed of the inputs and noise")->capture_default_str();
  cmd->callback([name, options, &exit_code]() {
    std::cout << bench::run_benchmark(*name, *options).dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
