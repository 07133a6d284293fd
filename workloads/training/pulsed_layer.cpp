#include "workloads/training/pulsed_layer.h"

#include "base/errors.h"

namespace imcsim::workloads::training {

PulsedLayer::PulsedLayer(std::string name, Shape in, int matrix_in, int matrix_out, int bias_size,
                         const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device, std::uint32_t id)
    : Layer(name, in),
      m_matrix(matrix_in, matrix_out, config, device, id),
      m_b(make_parameter(name + ".bias", {bias_size}, 1, bias_size)) {}

void PulsedLayer::restore(const Matrix& bias, const std::vector<hw::WeightMatrix>& state) {
  if (bias.size() != m_b.value.size()) throw ParameterError(m_name + ".bias", "another size");
  m_b.value = bias;
  m_matrix.restore(m_name, state);
}

hw::ReadId pulsed_read_id(const Pass& pass, std::size_t k) {
  return {static_cast<std::uint32_t>(pass.step), static_cast<std::uint64_t>(pass.first[k])};
}

Matrix stack_chunks(const std::vector<Matrix>& chunks) {
  Eigen::Index rows = 0;
  for (const Matrix& c : chunks) rows += c.rows();
  Matrix out(rows, chunks.front().cols());
  Eigen::Index at = 0;
  for (const Matrix& c : chunks) {
    out.middleRows(at, c.rows()) = c;
    at += c.rows();
  }
  return out;
}

}  // namespace imcsim::workloads::training
