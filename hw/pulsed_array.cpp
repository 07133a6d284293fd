#include "hw/pulsed_array.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"

namespace imcsim::hw {

PulsedArray::PulsedArray(const PulsedDeviceModel& model, int rows, int cols, std::uint64_t seed, std::uint32_t array_id)
    : m_model(model), m_seed(seed), m_array_id(array_id) {
  require_in_range("pulsed_array.rows", rows, 1, 1 << 16);
  require_in_range("pulsed_array.cols", cols, 1, 1 << 16);
  m_params.resize(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols));
  model.draw_devices(m_params.data(), m_params.size(),
                     RandomStream({seed, RandomPurpose::device_variation, array_id, 0}), 0);
  m_w = WeightMatrix::Zero(rows, cols);
  m_r = WeightMatrix::Zero(rows, cols);
  set_weights(m_w);
}

void PulsedArray::set_weights(const WeightMatrix& w) {
  if (w.rows() != m_w.rows() || w.cols() != m_w.cols()) throw ParameterError("pulsed_array.weights", "shape mismatch");
  for (Eigen::Index j = 0; j < w.cols(); ++j) {
    for (Eigen::Index i = 0; i < w.rows(); ++i) {
      const PulsedDeviceParams& p = device(static_cast<int>(i), static_cast<int>(j));
      m_w(i, j) = std::clamp(w(i, j), p.b_min, p.b_max);
    }
  }
}

void PulsedArray::set_reference(const WeightMatrix& r) {
  if (r.rows() != m_r.rows() || r.cols() != m_r.cols())
    throw ParameterError("pulsed_array.reference", "shape mismatch");
  m_r = r;
}

WeightMatrix PulsedArray::symmetry_points() const {
  WeightMatrix s(m_w.rows(), m_w.cols());
  for (Eigen::Index j = 0; j < s.cols(); ++j) {
    for (Eigen::Index i = 0; i < s.rows(); ++i)
      s(i, j) = m_model.symmetry_point(device(static_cast<int>(i), static_cast<int>(j)));
  }
  return s;
}

void PulsedArray::pulse(int row, int col, int direction, std::uint64_t pulse_id) {
  float xi = 0.0f;
  if (m_model.config().dw_min_std > 0) {
    RandomStream({m_seed, RandomPurpose::pulse_cycle_noise, m_array_id, 0xffffffffu})
        .normal(&xi, 1, pulse_id % RandomStream::capacity);
  }
  m_w(row, col) = m_model.pulse(device(row, col), m_w(row, col), direction, xi);
}

}  // namespace imcsim::hw
