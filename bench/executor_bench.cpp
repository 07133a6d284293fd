#include "bench/executor_bench.h"

#include <chrono>

#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

namespace imcsim::bench {

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

}  // namespace imcsim::bench
