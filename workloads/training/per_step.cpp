#include "workloads/training/per_step.h"

#include "base/check.h"
#include "base/errors.h"

namespace imcsim::workloads::training {

namespace {

/// The one Gemm (transB = 1, with a bias) that `inner` exports.
Node inner_gemm(const Layer& inner, Graph& scratch) {
  GraphWriter writer(scratch);
  inner.export_to(writer, "x");
  if (scratch.nodes.size() != 1 || scratch.nodes[0].op != "Gemm" || scratch.nodes[0].inputs.size() != 3 ||
      scratch.nodes[0].int_attribute("transB", 0) != 1) {
    throw Error("PerStep '" + inner.name() + "': the inner layer must export one Gemm with transB = 1 and a bias");
  }
  return scratch.nodes[0];
}

}  // namespace

PerStep::PerStep(std::string name, int steps, LayerPtr inner)
    : Layer(std::move(name), {1, 1, steps * inner->input_shape().size()}), m_steps(steps), m_inner(std::move(inner)) {
  require_in_range("per_step.steps", steps, 1, 1 << 20);
}

Pass PerStep::inner_pass(const Pass& pass) const {
  Pass p = pass;
  p.batch = pass.batch * m_steps;
  for (int& f : p.first) f *= m_steps;
  return p;
}

void PerStep::forward(std::vector<Matrix>& x, const Pass& pass) {
  const int in = m_inner->input_shape().size(), out = m_inner->output_shape().size();
  for (Matrix& chunk : x) chunk = Eigen::Map<const Matrix>(chunk.data(), chunk.rows() * m_steps, in);
  m_inner->forward(x, inner_pass(pass));
  for (Matrix& chunk : x) chunk = Eigen::Map<const Matrix>(chunk.data(), chunk.rows() / m_steps, m_steps * out);
}

void PerStep::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const int in = m_inner->input_shape().size(), out = m_inner->output_shape().size();
  for (Matrix& chunk : dy) chunk = Eigen::Map<const Matrix>(chunk.data(), chunk.rows() * m_steps, out);
  m_inner->backward(dy, inner_pass(pass));
  for (Matrix& chunk : dy) chunk = Eigen::Map<const Matrix>(chunk.data(), chunk.rows() / m_steps, m_steps * in);
}

std::string PerStep::export_to(GraphWriter& g, const std::string& input) const {
  Graph scratch;
  const Node gemm = inner_gemm(*m_inner, scratch);
  const Tensor& w = scratch.tensors.at(gemm.inputs[1]);  // out x in
  const std::int64_t out = w.shape[0], in = w.shape[1];
  Parameter wt;
  wt.name = w.name;
  wt.shape = {in, out};
  wt.value = Eigen::Map<const Matrix>(w.data.data(), out, in).transpose();
  g.constant(wt);
  g.graph().tensors[gemm.inputs[2]] = scratch.tensors.at(gemm.inputs[2]);
  const std::string steps = g.reshape(m_name + "_steps", input, {m_steps, in});
  const std::string product = g.node(m_name, "MatMul", {steps, wt.name}, {m_steps, out});
  const std::string biased = g.node(m_name + "_bias", "Add", {product, gemm.inputs[2]}, {m_steps, out});
  Attribute axis;
  axis.i = 1;
  return g.node(m_name + "_flatten", "Flatten", {biased}, {m_steps * out}, {{"axis", axis}});
}

void PerStep::import_from(const Graph& graph) {
  Graph scratch;
  const Node gemm = inner_gemm(*m_inner, scratch);
  Tensor& w = scratch.tensors.at(gemm.inputs[1]);
  const std::int64_t out = w.shape[0], in = w.shape[1];
  Parameter wt = make_parameter(w.name, {in, out}, in, out);
  load_tensor(graph, wt);
  const Matrix back = wt.value.transpose();
  w.data.assign(back.data(), back.data() + back.size());
  Parameter b = make_parameter(gemm.inputs[2], {out}, 1, out);
  load_tensor(graph, b);
  scratch.tensors.at(gemm.inputs[2]).data.assign(b.value.data(), b.value.data() + b.value.size());
  scratch.name = graph.name;
  m_inner->import_from(scratch);
}

}  // namespace imcsim::workloads::training
