// The timed benchmark (bench/timed_bench.h) called directly: the worker's command line, and one measurement in
// this process on a small load (each test case runs in a process of its own: SystemC elaborates once).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/timed_bench.h"
#include "chip/chip_config.h"

namespace {

imcsim::bench::TimedBenchOptions small_load() {
  imcsim::bench::TimedBenchOptions options;
  options.mvms_per_core = 3;
  options.numeric_mvms_per_core = 2;
  return options;
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  return keys;
}

TEST(TimedBench, WorkerArgumentsCarryTheChipTheOverridesAndBothCounts) {
  imcsim::bench::TimedBenchOptions options = small_load();
  options.chip = "ideal";
  options.overrides = {"adc.bits=6"};
  EXPECT_EQ(imcsim::bench::timed_worker_arguments(options, true),
            (std::vector<std::string>{"bench", "timed", "--chip", "ideal", "--mvms-per-core", "3",
                                      "--numeric-mvms-per-core", "2", "--set", "adc.bits=6", "--worker",
                                      "numerics"}));
  EXPECT_EQ(imcsim::bench::timed_worker_arguments(options, false).back(), "plain");
}

TEST(TimedBench, MeasurementWithoutNumericsCountsEveryCoresMvms) {
  const imcsim::chip::ChipConfig config = imcsim::chip::load_chip_config("hermes64");
  const nlohmann::ordered_json j = imcsim::bench::timed_measurement(config, small_load(), false);
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"numerics", "cores", "mvm_transactions", "simulated_ns", "wall_s",
                                                  "mvm_per_wall_s", "simulated_ns_per_wall_s"}));
  EXPECT_EQ(j["numerics"], false);
  EXPECT_EQ(j["cores"].get<int>(), config.cores.count);
  EXPECT_DOUBLE_EQ(j["mvm_transactions"].get<double>(), 3.0 * config.cores.count);
  EXPECT_GT(j["simulated_ns"].get<double>(), 0.0);
}

TEST(TimedBench, MeasurementWithNumericsRunsItsOwnCount) {
  const imcsim::chip::ChipConfig config = imcsim::chip::load_chip_config("hermes64");
  const nlohmann::ordered_json j = imcsim::bench::timed_measurement(config, small_load(), true);
  EXPECT_EQ(j["numerics"], true);
  EXPECT_DOUBLE_EQ(j["mvm_transactions"].get<double>(), 2.0 * config.cores.count);
}

}  // namespace
