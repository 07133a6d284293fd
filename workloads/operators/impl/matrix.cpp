// Gemm and MatMul: one weight layer each, y = x W (+ beta C for Gemm).

#include <algorithm>

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

using Matrix = hw::BatchMatrix;

std::vector<Tensor> infer_gemm(const NodeContext& f) {
  Tensor out;
  out.batch_axis = f.in(0).batch_axis;
  const auto& a = f.in(0).shape;
  const auto& b = f.in(1).shape;
  if (a.size() != 2 || b.size() != 2) f.fail("Gemm needs 2-D inputs, got " + show(a) + " and " + show(b));
  const bool ta = f.node.int_attribute("transA", 0) != 0;
  const bool tb = f.node.int_attribute("transB", 0) != 0;
  const std::int64_t m = ta ? a[1] : a[0];
  const std::int64_t ka = ta ? a[0] : a[1];
  const std::int64_t kb = tb ? b[1] : b[0];
  const std::int64_t n = tb ? b[0] : b[1];
  if (!compatible(ka, kb)) f.fail("inner dimensions differ: " + show(a) + " x " + show(b));
  out.shape = {m, n};
  if (f.node.inputs.size() > 2) static_cast<void>(broadcast(f, out.shape, f.in(2).shape));
  if (out.batch_axis > 0) f.fail("expects the batch on the first axis");
  return {out};
}

std::vector<Tensor> infer_matmul(const NodeContext& f) {
  Tensor out;
  out.batch_axis = f.in(0).batch_axis;
  const auto& a = f.in(0).shape;
  const auto& b = f.in(1).shape;
  if (a.empty() || b.size() != 2) f.fail("MatMul supports N-D x 2-D, got " + show(a) + " x " + show(b));
  if (!compatible(a.back(), b[0])) f.fail("inner dimensions differ: " + show(a) + " x " + show(b));
  if (out.batch_axis == static_cast<int>(a.size()) - 1) f.fail("multiplies along the batch axis");
  out.shape = a;
  out.shape.back() = b[1];
  return {out};
}

/// Rows of the output times its columns times the inner dimension.
std::int64_t product_macs(const Graph& graph, const Node& node, bool trans_a) {
  const auto& out = graph.tensor(node.outputs[0]).shape;
  const auto& a = graph.tensor(node.inputs[0]).shape;
  const std::int64_t k = trans_a ? a[0] : a.back();
  std::int64_t rows = 1;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) rows *= std::max<std::int64_t>(out[i], 1);
  return rows * out.back() * k;
}

/// W as inputs x outputs (transB applied) times alpha, one MVM per vector of a sample.
void product_layer(const Graph& graph, std::size_t index, bool trans_b, float alpha, std::vector<WeightLayer>& layers) {
  const Node& n = graph.nodes[index];
  const Tensor& w = graph.tensor(n.inputs[1]);
  hw::WeightMatrix m = trans_b ? hw::WeightMatrix(view(w, 0, w.shape[0], w.shape[1]).transpose())
                               : hw::WeightMatrix(view(w, 0, w.shape[0], w.shape[1]));
  m *= alpha;
  const auto& x = graph.tensor(n.inputs[0]);
  std::int64_t vectors = 1;  // per sample
  for (std::size_t k = 0; k + 1 < x.shape.size(); ++k) {
    if (static_cast<int>(k) != x.batch_axis) vectors *= x.shape[k];
  }
  WeightLayer layer{index, n.name, 0, std::move(m), vectors, {}};
  layer.streaming.input_rows = layer.rows();
  layer.streaming.output_channels = layer.cols();
  layers.push_back(std::move(layer));
}

/// The engine's product of every vector of every sample (an N-D MatMul has several per sample, taken
/// step-major), plus beta C for a Gemm with a bias.
std::vector<Matrix> execute_product(const Execution& e, bool gemm) {
  const Node& n = e.node;
  const Matrix& a = e.input(0);
  const std::size_t layer = e.first_layer;
  const Eigen::Index k = e.engine.layer_rows(layer);
  const Eigen::Index steps = a.cols() / k;
  Matrix vectors(a.rows() * steps, k);
  for (Eigen::Index s = 0; s < a.rows(); ++s) {
    for (Eigen::Index v = 0; v < steps; ++v) vectors.row(v * a.rows() + s) = a.row(s).segment(v * k, k);
  }
  Matrix products;
  e.engine.multiply(layer, vectors, a.rows(), e.first_image, 0, products);
  if (gemm && n.inputs.size() > 2) {
    const Tensor& c = e.graph.tensor(n.inputs[2]);
    const float beta = n.float_attribute("beta", 1.0f);
    if (c.data.size() == 1) {
      products.array() += beta * c.data[0];
    } else {
      products.rowwise() += beta * constant_row(c).row(0);
    }
  }
  const Eigen::Index outputs = products.cols();
  Matrix out(a.rows(), steps * outputs);
  for (Eigen::Index s = 0; s < a.rows(); ++s) {
    for (Eigen::Index v = 0; v < steps; ++v) out.row(s).segment(v * outputs, outputs) = products.row(v * a.rows() + s);
  }
  return {out};
}

}  // namespace

std::vector<Operator> matrix_operators() {
  Operator gemm;
  gemm.type = "Gemm";
  gemm.attributes = {"alpha", "beta", "transA", "transB"};
  gemm.infer = infer_gemm;
  gemm.check_execution = [](const NodeContext& f) {
    require_constant_weights(f);
    if (f.node.int_attribute("transA", 0) != 0) f.fail_attribute("transA", "transposed activations are not supported");
  };
  gemm.execute = [](const Execution& e) { return execute_product(e, true); };
  gemm.macs = [](const Graph& g, const Node& n) { return product_macs(g, n, n.int_attribute("transA", 0) != 0); };
  gemm.parameter_inputs = Operator::all_inputs;
  gemm.mapping = Mapping::crossbars;
  gemm.weight_operands = 1;
  gemm.weight_layers = [](const Graph& g, std::size_t i, std::vector<WeightLayer>& layers) {
    const Node& n = g.nodes[i];
    product_layer(g, i, n.int_attribute("transB", 0) != 0, n.float_attribute("alpha", 1.0f), layers);
  };
  gemm.channel_layout = [](const Graph& g, const Node& n) -> std::optional<ChannelLayout> {
    if (n.int_attribute("transA", 0) != 0 || n.float_attribute("alpha", 1.0f) != 1.0f ||
        n.float_attribute("beta", 1.0f) != 1.0f || !constant_inputs(g, n, 1, n.inputs.size() > 2 ? 2 : 1)) {
      return std::nullopt;
    }
    const Tensor& w = g.tensor(n.inputs[1]);
    const bool rows = n.int_attribute("transB", 0) != 0;
    const std::int64_t channels = rows ? w.shape[0] : w.shape[1];
    if (n.inputs.size() > 2 && static_cast<std::int64_t>(g.tensor(n.inputs[2]).data.size()) != channels) {
      return std::nullopt;  // a bias broadcast from a scalar or over rows
    }
    return ChannelLayout{channels, rows};
  };

  Operator matmul;
  matmul.type = "MatMul";
  matmul.infer = infer_matmul;
  matmul.check_execution = require_constant_weights;
  matmul.execute = [](const Execution& e) { return execute_product(e, false); };
  matmul.macs = [](const Graph& g, const Node& n) { return product_macs(g, n, false); };
  matmul.parameter_inputs = Operator::all_inputs;
  matmul.mapping = Mapping::crossbars;
  matmul.weight_operands = 1;
  matmul.weight_layers = [](const Graph& g, std::size_t i, std::vector<WeightLayer>& layers) {
    product_layer(g, i, false, 1.0f, layers);
  };
  return {gemm, matmul};
}

}  // namespace imcsim::workloads::operators
