#include "workloads/training/pulsed_dense.h"

namespace imcsim::workloads::training {

PulsedDense::PulsedDense(std::string name, int in, int out, const PulsedLayerConfig& config,
                         const hw::PulsedDeviceModel& device, std::uint32_t id)
    : PulsedLayer(name, {1, 1, in}, in, out, out, config, device, id) {
  Matrix w(out, in);
  he_normal(w, in, config.seed, id);
  m_matrix.program(w);
}

void PulsedDense::forward(std::vector<Matrix>& x, const Pass& pass) {
  if (pass.training) m_x = stack_chunks(x);
  pass.pool->run(static_cast<int>(x.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix y = m_matrix.forward(x[k], pulsed_read_id(pass, k));
    y.rowwise() += m_b.value.row(0);
    x[k] = std::move(y);
  });
}

void PulsedDense::backward(std::vector<Matrix>& dy, const Pass& pass) {
  m_d = stack_chunks(dy);
  m_b.grad = m_d.colwise().sum();
  if (!m_input_gradient) return;
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    dy[k] = m_matrix.backward(dy[k], pulsed_read_id(pass, k));
  });
}

std::string PulsedDense::export_to(GraphWriter& g, const std::string& input) const {
  const int in = m_matrix.in(), out = m_matrix.out();
  Parameter w = make_parameter(m_name + ".weight", {out, in}, out, in);
  w.value = m_matrix.effective_weights();
  g.constant(w);
  g.constant(m_b);
  Attribute trans_b;
  trans_b.i = 1;
  return g.node(m_name, "Gemm", {input, w.name, m_b.name}, {out}, {{"transB", trans_b}});
}

void PulsedDense::import_from(const Graph& graph) {
  const int in = m_matrix.in(), out = m_matrix.out();
  Parameter w = make_parameter(m_name + ".weight", {out, in}, out, in);
  load_tensor(graph, w);
  load_tensor(graph, m_b);
  m_matrix.program(w.value);
}

}  // namespace imcsim::workloads::training
