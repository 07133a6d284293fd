#include "workloads/training/pulsed_lstm.h"

#include "workloads/training/lstm_cell.h"

namespace imcsim::workloads::training {

namespace {

/// The read of step t of chunk k: t B + the chunk's first sample as the image, so every (step, sample) has its own.
hw::ReadId step_read_id(const Pass& pass, std::size_t k, int t) {
  return {static_cast<std::uint32_t>(pass.step),
          static_cast<std::uint64_t>(t) * static_cast<std::uint64_t>(pass.batch) +
              static_cast<std::uint64_t>(pass.first[k])};
}

}  // namespace

PulsedLstm::PulsedLstm(std::string name, int steps, int inputs, int hidden, const PulsedLayerConfig& config,
                       const hw::PulsedDeviceModel& device, std::uint32_t id, bool sequence)
    : PulsedLayer(name, {1, 1, steps * inputs}, inputs + hidden, 4 * hidden, 4 * hidden, config, device, id),
      m_steps(steps),
      m_inputs(inputs),
      m_hidden(hidden),
      m_sequence(sequence) {
  Matrix w(4 * hidden, inputs + hidden);
  initialise_lstm(w, m_b.value, config.seed, id, hidden);
  m_matrix.program(w);
}

void PulsedLstm::forward(std::vector<Matrix>& x, const Pass& pass) {
  const auto n = static_cast<int>(x.size());
  const int h_n = m_hidden;
  if (pass.training) m_chunks.assign(static_cast<std::size_t>(n), {});
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Chunk* chunk = pass.training ? &m_chunks[k] : nullptr;
    if (chunk) {
      chunk->u.resize(static_cast<std::size_t>(m_steps));
      chunk->steps.resize(static_cast<std::size_t>(m_steps));
    }
    LstmStep scratch;
    const auto product = [&](const Matrix& u, int t) { return m_matrix.forward(u, step_read_id(pass, k, t)); };
    const auto step_of = [&](int t) -> LstmStep& {
      return chunk ? chunk->steps[static_cast<std::size_t>(t)] : scratch;
    };
    const auto keep_input = [&](int t, const Matrix& u) {
      if (chunk) chunk->u[static_cast<std::size_t>(t)] = u;
    };
    x[k] = lstm_forward(x[k], m_steps, m_inputs, h_n, m_sequence, m_b.value, product, step_of, keep_input);
  });
}

void PulsedLstm::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const auto n = static_cast<int>(dy.size());
  const int h_n = m_hidden;
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Chunk& chunk = m_chunks[k];
    chunk.dz.resize(static_cast<std::size_t>(m_steps));
    const auto step_of = [&](int t) -> const LstmStep& { return chunk.steps[static_cast<std::size_t>(t)]; };
    const auto keep_dz = [&](int t, const Matrix& dz) { chunk.dz[static_cast<std::size_t>(t)] = dz; };
    const auto transposed = [&](const Matrix& dz, int t) { return m_matrix.backward(dz, step_read_id(pass, k, t)); };
    dy[k] = lstm_backward(dy[k], m_steps, m_inputs, h_n, m_sequence, step_of, keep_dz, transposed);
  });
  // The rank-1 terms in time order, the chunks (and so the samples) in order within each step; the bias gradient
  // summed in the same order.
  std::vector<Matrix> u, dz;
  for (int t = 0; t < m_steps; ++t) {
    for (const Chunk& chunk : m_chunks) {
      u.push_back(chunk.u[static_cast<std::size_t>(t)]);
      dz.push_back(chunk.dz[static_cast<std::size_t>(t)]);
    }
  }
  m_x = stack_chunks(u);
  m_d = stack_chunks(dz);
  m_b.grad = m_d.colwise().sum();
}

std::string PulsedLstm::export_to(GraphWriter& g, const std::string& input) const {
  return export_lstm(g, m_name, input, m_matrix.effective_weights(), m_b.value, m_steps, m_inputs, m_hidden,
                     m_sequence);
}

void PulsedLstm::import_from(const Graph& graph) {
  Matrix w(4 * m_hidden, m_inputs + m_hidden);
  import_lstm(graph, m_name, m_inputs, m_hidden, w, m_b.value);
  m_matrix.program(w);
}

}  // namespace imcsim::workloads::training
