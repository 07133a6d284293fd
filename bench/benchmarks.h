#pragma once
// Named benchmarks behind `imcsim bench NAME`. Each measures a reference and a candidate in the same run and
// process, interleaved, and returns JSON with both times and their ratio.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::bench {

struct BenchOptions {
  double min_time_s = 0.05;  ///< least time of one timed repetition of one side
  int repetitions = 15;      ///< repetitions per side; the median is reported
  std::uint64_t seed = 1;
};

std::vector<std::string> benchmark_names();
/// Throws imcsim::Error for an unknown name.
nlohmann::ordered_json run_benchmark(const std::string& name, const BenchOptions& options);

}  // namespace imcsim::bench
