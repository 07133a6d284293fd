// The shipped model zoo: every model's FP32 accuracy on the full Fashion-MNIST test set, computed by the
// reference executor, equals the figure its manifest records.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "workloads/dataset.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

namespace imcsim::workloads {
namespace {

std::string models_dir() {
  const char* dir = std::getenv("IMCSIM_SOURCE_DIR");
  return dir ? std::string(dir) + "/workloads/models" : "";
}

TEST(ModelZoo, ManifestAccuracyIsReproducedOnTheFullTestSet) {
  ASSERT_FALSE(models_dir().empty()) << "IMCSIM_SOURCE_DIR is not set";
  std::ifstream in(models_dir() + "/manifest.json");
  ASSERT_TRUE(in.good());
  const nlohmann::json manifest = nlohmann::json::parse(in);
  const Dataset test = load_fashion_mnist("test");
  ASSERT_GT(manifest["models"].size(), 0u);
  for (const auto& m : manifest["models"]) {
    const ReferenceExecutor exec(import_onnx(models_dir() + "/" + m["file"].get<std::string>()));
    const double accuracy = top1(exec.run(test.samples, 2), test.labels);
    EXPECT_NEAR(accuracy, m["test_top1"].get<double>(), 1e-9) << m["name"];
    if (m["name"] == "mlp") EXPECT_GE(accuracy, 0.88);
  }
}

}  // namespace
}  // namespace imcsim::workloads
