#pragma once

#include "bench/benchmarks.h"

namespace imcsim::bench {

nlohmann::ordered_json run_mvm_benchmark(const BenchOptions& options);

}  // namespace imcsim::bench
