// Convolution, pooling and batch normalisation of the IR, each against a direct computation from the ONNX
// operator definitions (odd attributes: asymmetric padding, stride 2, dilation, groups, ceil_mode).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/errors.h"
#include "base/random.h"
#include "workloads/reference_executor.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads {
namespace {

Tensor make(const std::string& name, std::vector<std::int64_t> shape, bool constant, std::uint32_t seed) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = constant;
  if (constant) {
    t.data.resize(static_cast<std::size_t>(t.elements()));
    RandomStream({11, RandomPurpose::test_input, seed, 0}).normal(t.data.data(), t.data.size());
  }
  return t;
}

Attribute ints(std::vector<std::int64_t> v) {
  Attribute a;
  a.ints = std::move(v);
  return a;
}

/// A graph of one node on an input of shape {-1, C, H, W}; shape inference fills in the output.
Graph one_node(Node node, std::vector<std::int64_t> input_shape, std::vector<Tensor> constants) {
  Graph g;
  g.name = "test";
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = make("x", std::move(input_shape), false, 0);
  for (auto& t : constants) g.tensors[t.name] = t;
  node.name = node.op;
  node.outputs = {"y"};
  infer_shapes(g, node, "test", node.name);
  g.nodes = {node};
  return g;
}

hw::BatchMatrix random_input(int batch, std::int64_t features) {
  hw::BatchMatrix x(batch, features);
  RandomStream({12, RandomPurpose::test_input, 0, 0}).normal(x.data(), static_cast<std::size_t>(x.size()));
  return x;
}

TEST(ConvOps, ConvolutionWithGroupsPaddingStrideDilation) {
  const std::int64_t C = 4, H = 5, W = 6, M = 4, G = 2, KH = 3, KW = 2;
  Node conv;
  conv.op = "Conv";
  conv.inputs = {"x", "w", "b"};
  conv.attributes["group"].i = G;
  conv.attributes["pads"] = ints({1, 0, 2, 1});  // top, left, bottom, right
  conv.attributes["strides"] = ints({2, 1});
  conv.attributes["dilations"] = ints({1, 2});
  const Graph g = one_node(conv, {-1, C, H, W}, {make("w", {M, C / G, KH, KW}, true, 1), make("b", {M}, true, 2)});
  const auto& out_shape = g.tensor("y").shape;
  // H: (5 + 1 + 2 - 3) / 2 + 1 = 3; W: (6 + 0 + 1 - (2 * 1 + 1)) / 1 + 1 = 5
  ASSERT_EQ(out_shape, (std::vector<std::int64_t>{-1, M, 3, 5}));
  const hw::BatchMatrix x = random_input(2, C * H * W);
  const hw::BatchMatrix y = ReferenceExecutor(g).run(x);
  const auto& w = g.tensor("w").data;
  const auto& b = g.tensor("b").data;
  for (int s = 0; s < 2; ++s) {
    for (std::int64_t m = 0; m < M; ++m) {
      const std::int64_t grp = m / (M / G);
      for (std::int64_t oy = 0; oy < 3; ++oy) {
        for (std::int64_t ox = 0; ox < 5; ++ox) {
          double sum = b[static_cast<std::size_t>(m)];
          for (std::int64_t c = 0; c < C / G; ++c) {
            for (std::int64_t ky = 0; ky < KH; ++ky) {
              for (std::int64_t kx = 0; kx < KW; ++kx) {
                const std::int64_t iy = oy * 2 - 1 + ky, ix = ox * 1 - 0 + kx * 2;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                sum += static_cast<double>(w[static_cast<std::size_t>(((m * (C / G) + c) * KH + ky) * KW + kx)]) *
                       x(s, ((grp * (C / G) + c) * H + iy) * W + ix);
              }
            }
          }
          EXPECT_NEAR(y(s, (m * 3 + oy) * 5 + ox), sum, 1e-4) << s << " " << m << " " << oy << " " << ox;
        }
      }
    }
  }
}

TEST(ConvOps, MaxPoolCeilModeAndAveragePoolPadding) {
  Node max;
  max.op = "MaxPool";
  max.inputs = {"x"};
  max.attributes["kernel_shape"] = ints({2, 2});
  max.attributes["strides"] = ints({2, 2});
  max.attributes["ceil_mode"].i = 1;
  const Graph gm = one_node(max, {-1, 1, 5, 5}, {});
  ASSERT_EQ(gm.tensor("y").shape, (std::vector<std::int64_t>{-1, 1, 3, 3}));
  const hw::BatchMatrix x = random_input(1, 25);
  const hw::BatchMatrix ym = ReferenceExecutor(gm).run(x);
  for (int oy = 0; oy < 3; ++oy) {
    for (int ox = 0; ox < 3; ++ox) {
      float best = -std::numeric_limits<float>::infinity();
      for (int iy = 2 * oy; iy < std::min(2 * oy + 2, 5); ++iy) {
        for (int ix = 2 * ox; ix < std::min(2 * ox + 2, 5); ++ix) best = std::max(best, x(0, iy * 5 + ix));
      }
      EXPECT_EQ(ym(0, oy * 3 + ox), best);
    }
  }
  for (const int include_pad : {0, 1}) {
    Node avg;
    avg.op = "AveragePool";
    avg.inputs = {"x"};
    avg.attributes["kernel_shape"] = ints({3, 3});
    avg.attributes["pads"] = ints({1, 1, 1, 1});
    avg.attributes["count_include_pad"].i = include_pad;
    const Graph ga = one_node(avg, {-1, 1, 5, 5}, {});
    const hw::BatchMatrix ya = ReferenceExecutor(ga).run(x);
    // The corner window covers 4 real cells of 9.
    const double corner = (x(0, 0) + x(0, 1) + x(0, 5) + x(0, 6)) / (include_pad ? 9.0 : 4.0);
    EXPECT_NEAR(ya(0, 0), corner, 1e-6) << "count_include_pad " << include_pad;
  }
}

TEST(ConvOps, GlobalAveragePoolAndBatchNormalization) {
  Node gap;
  gap.op = "GlobalAveragePool";
  gap.inputs = {"x"};
  const Graph gg = one_node(gap, {-1, 3, 2, 2}, {});
  const hw::BatchMatrix x = random_input(2, 12);
  const hw::BatchMatrix yg = ReferenceExecutor(gg).run(x);
  EXPECT_NEAR(yg(1, 2), x.row(1).segment(8, 4).mean(), 1e-6);

  Node bn;
  bn.op = "BatchNormalization";
  bn.inputs = {"x", "scale", "bias", "mean", "var"};
  bn.attributes["epsilon"].f = 1e-3f;
  Tensor var = make("var", {3}, true, 4);
  for (auto& v : var.data) v = std::fabs(v) + 0.1f;
  const Graph gb = one_node(bn, {-1, 3, 2, 2},
                            {make("scale", {3}, true, 1), make("bias", {3}, true, 2), make("mean", {3}, true, 3), var});
  const hw::BatchMatrix yb = ReferenceExecutor(gb).run(x);
  const int c = 1, cell = 3;
  const double expected =
      gb.tensor("scale").data[c] * (x(0, c * 4 + cell) - gb.tensor("mean").data[c]) / std::sqrt(var.data[c] + 1e-3) +
      gb.tensor("bias").data[c];
  EXPECT_NEAR(yb(0, c * 4 + cell), expected, 1e-5);
}

TEST(ConvOps, InconsistentWindowsNameTheNode) {
  Node conv;
  conv.op = "Conv";
  conv.inputs = {"x", "w"};
  conv.attributes["group"].i = 3;
  EXPECT_THROW(one_node(conv, {-1, 4, 5, 5}, {make("w", {4, 2, 3, 3}, true, 1)}), InputError);
  Node big;
  big.op = "MaxPool";
  big.inputs = {"x"};
  big.attributes["kernel_shape"] = ints({7, 7});
  EXPECT_THROW(one_node(big, {-1, 1, 5, 5}, {}), InputError);
}

}  // namespace
}  // namespace imcsim::workloads
