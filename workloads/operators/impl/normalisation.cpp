// Softmax and BatchNormalization (the latter when import could not fold it into the layer before it).

#include <cmath>

#include "base/errors.h"
#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

using Matrix = hw::BatchMatrix;

std::vector<Tensor> infer_softmax(const NodeContext& f) {
  const Tensor& x = f.in(0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  const std::int64_t fallback = f.graph.opset >= 13 ? -1 : 1;
  std::int64_t axis = 0;
  try {
    axis = normalised_axis(f.node.int_attribute("axis", fallback), rank, "axis");
  } catch (const Error& e) {
    f.fail_attribute("axis", e.what());
  }
  // Before opset 13 the input is coerced to 2-D at the axis, so the batch must come before it; from 13 on the
  // softmax runs along the axis, which must be the last (the executor's rows) and not the batch.
  if (f.graph.opset >= 13 ? (axis != rank - 1 || axis == x.batch_axis) : axis <= x.batch_axis) {
    f.fail_attribute("axis", "only a softmax over the last axis, after the batch, is supported");
  }
  return same_shape(f);
}

/// The elements normalised together: those of the axes from the softmax's on (the last from opset 13).
Plan plan_softmax(const Graph& graph, const Node& n) {
  Plan p;
  const Tensor& x = graph.tensor(n.inputs[0]);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  std::int64_t axis = n.int_attribute("axis", graph.opset >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  p.group = 1;
  for (std::int64_t k = graph.opset >= 13 ? rank - 1 : axis; k < rank; ++k) {
    if (k != x.batch_axis) p.group *= x.shape[static_cast<std::size_t>(k)];
  }
  return p;
}

std::vector<Matrix> execute_softmax(const Execution& e) {
  Matrix out = e.input(0);
  Eigen::Map<Matrix> groups(out.data(), out.size() / e.plan.group, e.plan.group);
  for (Eigen::Index r = 0; r < groups.rows(); ++r) {
    auto row = groups.row(r).array();
    row = (row - row.maxCoeff()).exp();
    row /= row.sum();
  }
  return {out};
}

std::vector<Tensor> infer_batch_normalization(const NodeContext& f) {
  std::vector<Tensor> out = same_shape(f);
  if (out[0].batch_axis > 0) f.fail("expects the batch on the first axis");
  return out;
}

std::vector<Matrix> execute_batch_normalization(const Execution& e) {
  const Graph& g = e.graph;
  const Node& n = e.node;
  const auto& shape = g.tensor(n.inputs[0]).shape;
  const std::int64_t channels = shape.size() > 1 ? shape[1] : 1;
  std::int64_t cells = 1;
  for (std::size_t i = 2; i < shape.size(); ++i) cells *= shape[i];
  const auto& scale = g.tensor(n.inputs[1]).data;
  const auto& shift = g.tensor(n.inputs[2]).data;
  const auto& mean = g.tensor(n.inputs[3]).data;
  const auto& var = g.tensor(n.inputs[4]).data;
  const float eps = n.float_attribute("epsilon", 1e-5f);
  Matrix out = e.input(0);
  for (std::int64_t c = 0; c < channels; ++c) {
    const float a = scale[static_cast<std::size_t>(c)] / std::sqrt(var[static_cast<std::size_t>(c)] + eps);
    const float b = shift[static_cast<std::size_t>(c)] - a * mean[static_cast<std::size_t>(c)];
    out.middleCols(c * cells, cells).array() = out.middleCols(c * cells, cells).array() * a + b;
  }
  return {out};
}

}  // namespace

std::vector<Operator> normalisation_operators() {
  Operator softmax;
  softmax.type = "Softmax";
  softmax.attributes = {"axis"};
  softmax.infer = infer_softmax;
  softmax.plan = plan_softmax;
  softmax.execute = execute_softmax;
  softmax.mapping = Mapping::digital_pass;

  Operator bn;
  bn.type = "BatchNormalization";
  bn.attributes = {"epsilon", "momentum", "training_mode", "spatial"};
  bn.infer = infer_batch_normalization;
  bn.check_execution = [](const NodeContext& f) {
    if (!(f.constant(1) && f.constant(2) && f.constant(3) && f.constant(4)))
      f.fail("scale, bias, mean and variance must be constants");
  };
  bn.execute = execute_batch_normalization;
  bn.parameter_inputs = Operator::all_inputs;
  bn.mapping = Mapping::digital_pass;
  return {softmax, bn};
}

}  // namespace imcsim::workloads::operators
