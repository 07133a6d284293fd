// Add, Sub, Mul and Div with NumPy broadcasting, between activations and constants.

#include <algorithm>
#include <array>

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

using Matrix = hw::BatchMatrix;

/// Shape and batch axis of the broadcast result.
std::vector<Tensor> infer_broadcast(const NodeContext& f) {
  const Tensor& a = f.in(0);
  const Tensor& b = f.in(1);
  Tensor out;
  out.shape = broadcast(f, a.shape, b.shape);
  const auto aligned = [&](const Tensor& t) {
    return t.batch_axis < 0 ? -1 : t.batch_axis + static_cast<int>(out.shape.size() - t.shape.size());
  };
  const int ba = aligned(a), bb = aligned(b);
  if (ba >= 0 && bb >= 0 && ba != bb)
    f.fail("the operands' batch axes do not line up: " + show(a.shape) + " and " + show(b.shape));
  out.batch_axis = ba >= 0 ? ba : bb;
  const Tensor& constant = ba >= 0 ? b : a;
  if (out.batch_axis >= 0 && (ba < 0 || bb < 0)) {
    const int k = out.batch_axis - static_cast<int>(out.shape.size() - constant.shape.size());
    if (k >= 0 && constant.shape[static_cast<std::size_t>(k)] != 1) {
      f.fail("constant '" + constant.name + "' " + show(constant.shape) + " varies along the batch axis");
    }
  }
  return {out};
}

/// Per operand, its column for each column of one sample of the output.
Plan plan_broadcast(const Graph& graph, const Node& n) {
  Plan p;
  const Shape out = one_sample(graph.tensor(n.outputs[0]));
  for (std::size_t k = 0; k < 2; ++k) p.operands.push_back(broadcast_map(one_sample(graph.tensor(n.inputs[k])), out));
  return p;
}

template <typename F>
std::vector<Matrix> execute_broadcast(const Execution& e, F f) {
  const auto columns = static_cast<Eigen::Index>(e.plan.operands[0].size());
  // Each operand as rows x columns (an activation) or 1 x columns (a constant broadcast over the batch).
  std::array<Matrix, 2> operand;
  for (std::size_t k = 0; k < 2; ++k) {
    const Tensor& t = e.graph.tensor(e.node.inputs[k]);
    if (t.constant) {
      operand[k] = gather_columns(constant_row(t), e.plan.operands[k]);
    } else {
      const Matrix& v = e.input(k);
      operand[k] = is_identity(e.plan.operands[k], v.cols()) ? v : gather_columns(v, e.plan.operands[k]);
    }
  }
  const Eigen::Index rows = std::max(operand[0].rows(), operand[1].rows());
  Matrix out(rows, columns);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const float* a = operand[0].row(operand[0].rows() == 1 ? 0 : r).data();
    const float* b = operand[1].row(operand[1].rows() == 1 ? 0 : r).data();
    float* o = out.row(r).data();
    for (Eigen::Index j = 0; j < columns; ++j) o[j] = f(a[j], b[j]);
  }
  return {out};
}

/// Both operands constants: evaluated at import; integer when both are.
template <typename F>
Folded fold_broadcast(const Graph& g, const Node& n, const Tensor& out, F f) {
  const Tensor& x = g.tensor(n.inputs.at(0));
  const Tensor& y = g.tensor(n.inputs.at(1));
  const auto from_x = broadcast_map(x.shape, out.shape);
  const auto from_y = broadcast_map(y.shape, out.shape);
  Folded r;
  r.data.resize(from_x.size());
  for (std::size_t j = 0; j < r.data.size(); ++j)
    r.data[j] = f(x.data[static_cast<std::size_t>(from_x[j])], y.data[static_cast<std::size_t>(from_y[j])]);
  r.integer = x.integer && y.integer;
  return r;
}

template <typename F>
Operator arithmetic(const std::string& type, Mapping mapping, F f) {
  Operator op;
  op.type = type;
  op.infer = infer_broadcast;
  op.fold = [f](const Graph& g, const Node& n, const Tensor& out) { return fold_broadcast(g, n, out, f); };
  op.plan = plan_broadcast;
  op.execute = [f](const Execution& e) { return execute_broadcast(e, f); };
  op.parameter_inputs = Operator::all_inputs;
  op.mapping = mapping;
  return op;
}

}  // namespace

/// Add, Sub and Mul of two activations accumulate the other branch at the chain ends; Div has no such form on the
/// digital unit and is one digital pass (a divisor from another branch is not sent to the chain ends).
std::vector<Operator> arithmetic_operators() {
  return {arithmetic("Add", Mapping::combine, [](float a, float b) { return a + b; }),
          arithmetic("Sub", Mapping::combine, [](float a, float b) { return a - b; }),
          arithmetic("Mul", Mapping::combine, [](float a, float b) { return a * b; }),
          arithmetic("Div", Mapping::digital_pass, [](float a, float b) { return a / b; })};
}

}  // namespace imcsim::workloads::operators
