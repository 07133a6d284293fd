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

void PulsedArray::update(const BatchMatrix& x, const BatchMatrix& d, float lr, const PulseUpdateConfig& config,
                         std::uint64_t update_index) {
  require_in_range("update.pulse_length", config.pulse_length, 1, 1 << 16);
  require_non_negative("update.learning_rate", lr);
  if (x.cols() != rows() || d.cols() != cols() || x.rows() != d.rows()) {
    throw ParameterError("update.shape", "x must be batch x rows and d batch x cols of the array");
  }
  const int bl = config.pulse_length;
  const auto n_rows = static_cast<std::uint64_t>(rows());
  const auto n_cols = static_cast<std::uint64_t>(cols());
  const std::uint64_t pulses_per_vector = static_cast<std::uint64_t>(bl) * n_rows * n_cols;
  if (static_cast<std::uint64_t>(x.rows()) > RandomStream::capacity / pulses_per_vector) {
    throw ParameterError("update.batch", "batch too large for one update index; split it");
  }
  const std::uint32_t update_key = static_cast<std::uint32_t>(update_index);
  const RandomStream train({m_seed, RandomPurpose::pulse_train, m_array_id, update_key});
  const RandomStream cycle({m_seed, RandomPurpose::pulse_cycle_noise, m_array_id, update_key});
  const bool c2c = m_model.config().dw_min_std > 0;
  const float k = lr / (static_cast<float>(bl) * m_model.config().dw_min);

  std::vector<float> p(rows()), q(cols()), u_rows(static_cast<std::size_t>(bl) * n_rows),
      u_cols(static_cast<std::size_t>(bl) * n_cols), xi(c2c ? n_cols : 0);
  std::vector<int> active_rows, active_cols;
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const float x_max = x.row(b).cwiseAbs().maxCoeff();
    const float d_max = d.row(b).cwiseAbs().maxCoeff();
    if (!(x_max > 0) || !(d_max > 0) || lr == 0) continue;
    const float c_x = config.update_management ? std::sqrt(k * d_max / x_max) : std::sqrt(k);
    const float c_d = config.update_management ? std::sqrt(k * x_max / d_max) : std::sqrt(k);
    for (int i = 0; i < rows(); ++i) p[static_cast<std::size_t>(i)] = std::min(1.0f, c_x * std::fabs(x(b, i)));
    for (int j = 0; j < cols(); ++j) q[static_cast<std::size_t>(j)] = std::min(1.0f, c_d * std::fabs(d(b, j)));
    const std::uint64_t vector_base =
        static_cast<std::uint64_t>(b) * static_cast<std::uint64_t>(bl) * (n_rows + n_cols);
    train.uniform(u_rows.data(), u_rows.size(), vector_base);
    train.uniform(u_cols.data(), u_cols.size(), vector_base + u_rows.size());
    for (int slot = 0; slot < bl; ++slot) {
      active_rows.clear();
      active_cols.clear();
      // u is in (0, 1]: P(u < p) = p for p in [0, 1).
      for (int i = 0; i < rows(); ++i) {
        if (u_rows[static_cast<std::size_t>(slot) * n_rows + static_cast<std::size_t>(i)] <
                p[static_cast<std::size_t>(i)] ||
            p[static_cast<std::size_t>(i)] >= 1.0f) {
          active_rows.push_back(i);
        }
      }
      for (int j = 0; j < cols(); ++j) {
        if (u_cols[static_cast<std::size_t>(slot) * n_cols + static_cast<std::size_t>(j)] <
                q[static_cast<std::size_t>(j)] ||
            q[static_cast<std::size_t>(j)] >= 1.0f) {
          active_cols.push_back(j);
        }
      }
      if (active_cols.empty()) continue;
      for (const int i : active_rows) {
        const std::uint64_t row_base =
            (static_cast<std::uint64_t>(b) * static_cast<std::uint64_t>(bl) + static_cast<std::uint64_t>(slot)) *
                n_rows * n_cols +
            static_cast<std::uint64_t>(i) * n_cols;
        if (c2c) cycle.normal(xi.data(), xi.size(), row_base);
        const bool x_positive = x(b, i) > 0;
        for (const int j : active_cols) {
          // Gradient descent: -sign(x d) is up when x and d have opposite signs.
          const int direction = (x_positive != (d(b, j) > 0)) ? +1 : -1;
          m_w(i, j) = m_model.pulse(device(i, j), m_w(i, j), direction, c2c ? xi[static_cast<std::size_t>(j)] : 0.0f);
        }
      }
    }
  }
}

}  // namespace imcsim::hw
