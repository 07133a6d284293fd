#include "bench/benchmarks.h"

#include "base/errors.h"
#include "bench/mvm_bench.h"
#include "bench/training_bench.h"
#include "bench/update_bench.h"

namespace imcsim::bench {

std::vector<std::string> benchmark_names() { return {"mvm", "update", "lstm-training"}; }

nlohmann::ordered_json run_benchmark(const std::string& name, const BenchOptions& options) {
  if (name == "mvm") return run_mvm_benchmark(options);
  if (name == "update") return run_update_benchmark(options);
  if (name == "lstm-training") return run_lstm_training_benchmark(options);
  throw Error("unknown benchmark '" + name + "' (known: mvm, update, lstm-training)");
}

}  // namespace imcsim::bench
