#include "workloads/reference_executor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/errors.h"
#include "base/random.h"
#include "workloads/dataset.h"

namespace imcsim::workloads {
namespace {

Tensor constant(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> data) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.data = std::move(data);
  t.constant = true;
  return t;
}

Tensor activation(const std::string& name, std::vector<std::int64_t> shape) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  return t;
}

Node node(const std::string& op, std::vector<std::string> in, const std::string& out) {
  Node n;
  n.name = op + "_" + out;
  n.op = op;
  n.inputs = std::move(in);
  n.outputs = {out};
  return n;
}

/// x (4) -> Gemm(w 3x4, transB) + b -> LeakyRelu(0.1) -> Softmax.
Graph small_mlp(const std::vector<float>& w, const std::vector<float>& b) {
  Graph g;
  g.name = "small";
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = activation("x", {-1, 4});
  g.tensors["w"] = constant("w", {3, 4}, w);
  g.tensors["b"] = constant("b", {3}, b);
  Node gemm = node("Gemm", {"x", "w", "b"}, "h");
  gemm.attributes["transB"].i = 1;
  Node leaky = node("LeakyRelu", {"h"}, "r");
  leaky.attributes["alpha"].f = 0.1f;
  g.nodes = {gemm, leaky, node("Softmax", {"r"}, "y")};
  for (const char* t : {"h", "r", "y"}) g.tensors[t] = activation(t, {-1, 3});
  return g;
}

TEST(ReferenceExecutor, MatchesAnIndependentComputation) {
  const std::vector<float> w = {0.5f, -1.0f, 0.25f, 2.0f, -0.5f, 0.75f, 1.0f, 0.0f, 0.1f, 0.2f, -0.3f, 0.4f};
  const std::vector<float> b = {0.1f, -0.2f, 0.3f};
  const ReferenceExecutor exec(small_mlp(w, b));
  hw::BatchMatrix x(2, 4);
  x << 1, 2, 3, 4, -1, 0.5, 0, 2;
  const hw::BatchMatrix y = exec.run(x);
  for (int r = 0; r < 2; ++r) {
    double h[3], e[3], sum = 0;
    for (int o = 0; o < 3; ++o) {
      h[o] = b[static_cast<std::size_t>(o)];
      for (int i = 0; i < 4; ++i) h[o] += static_cast<double>(w[static_cast<std::size_t>(o * 4 + i)]) * x(r, i);
      h[o] = h[o] >= 0 ? h[o] : 0.1 * h[o];
    }
    const double m = std::max({h[0], h[1], h[2]});
    for (int o = 0; o < 3; ++o) sum += e[o] = std::exp(h[o] - m);
    for (int o = 0; o < 3; ++o) EXPECT_NEAR(y(r, o), e[o] / sum, 1e-6) << "row " << r << " output " << o;
  }
}

TEST(ReferenceExecutor, ThreadCountDoesNotChangeAnyBit) {
  const ReferenceExecutor exec(small_mlp(std::vector<float>(12, 0.3f), {0.0f, 0.1f, -0.1f}));
  hw::BatchMatrix x(1000, 4);
  RandomStream({3, RandomPurpose::test_input, 0, 0}).normal(x.data(), static_cast<std::size_t>(x.size()));
  EXPECT_EQ(exec.run(x, 1), exec.run(x, 2));
  EXPECT_EQ(exec.run(x, 1), exec.run(x, 7));
}

TEST(ReferenceExecutor, ARunStoppedBeforeANodeAndResumedIsTheWholeRun) {
  const ReferenceExecutor exec(small_mlp(std::vector<float>(12, 0.3f), {0.0f, 0.1f, -0.1f}));
  hw::BatchMatrix x(300, 4);  // three chunks, the last one short
  RandomStream({3, RandomPurpose::test_input, 1, 0}).normal(x.data(), static_cast<std::size_t>(x.size()));
  const hw::BatchMatrix whole = exec.run(x, 2, 5);
  for (std::size_t node = 0; node <= 3; ++node) {
    const std::vector<ReferenceExecutor::PartialChunk> stopped = exec.run_until(x, node, 5);
    ASSERT_EQ(stopped.size(), 3u);
    EXPECT_EQ(stopped[2].first_row, 256);
    EXPECT_EQ(stopped[2].first_image, 261u);
    // Only what the remaining nodes read is kept: before the Softmax, its input alone.
    if (node == 2) EXPECT_EQ(stopped[0].values.size(), 1u);
    EXPECT_EQ(exec.run_from(stopped, node), whole) << "stopped before node " << node;
  }
  EXPECT_THROW(exec.run_until(x, 4), Error);
}

TEST(ReferenceExecutor, Top1OnFashionMnist) {
  // A classifier that always answers class 3 is right on exactly the 1,000 test images of that class.
  Graph g;
  g.name = "always3";
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = activation("x", {-1, 1, 28, 28});
  g.tensors["w"] = constant("w", {10, 784}, std::vector<float>(7840, 0.0f));
  std::vector<float> bias(10, 0.0f);
  bias[3] = 1.0f;
  g.tensors["b"] = constant("b", {10}, bias);
  Node flat = node("Flatten", {"x"}, "f");
  flat.attributes["axis"].i = 1;
  Node gemm = node("Gemm", {"f", "w", "b"}, "y");
  gemm.attributes["transB"].i = 1;
  g.nodes = {flat, gemm};
  g.tensors["f"] = activation("f", {-1, 784});
  g.tensors["y"] = activation("y", {-1, 10});
  const Dataset d = load_fashion_mnist("test");
  EXPECT_DOUBLE_EQ(top1(ReferenceExecutor(g).run(d.samples, 2), d.labels), 0.1);
}

}  // namespace
}  // namespace imcsim::workloads
