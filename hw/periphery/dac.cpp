#include "hw/periphery/dac.h"

#include <cmath>
#include <vector>

#include "base/check.h"

namespace imcsim::hw {

Dac::Dac(const DacConfig& config) : m_config(config) {
  require_bits("dac.bits", config.bits);
  if (config.bits < 2) throw ParameterError("dac.bits", "a signed DAC needs at least 2 bits (sign + magnitude)");
  require_positive("dac.input_range", config.input_range);
  m_max_code = (1 << (config.bits - 1)) - 1;
}

void Dac::encode(const BatchMatrix& x, float scale,
                 Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& codes) const {
  const float to_code = static_cast<float>(m_max_code) / scale;
  const float limit = static_cast<float>(m_max_code);
  codes = (x.array() * to_code).round().max(-limit).min(limit).cast<int>().matrix();
}

void Dac::convert(BatchMatrix& x, const Vector& row_scale, const RandomStream& rounding, const ReadId& read) const {
  const float limit = static_cast<float>(m_max_code);
  const float inv_max = 1.0f / limit;
  const auto cols = static_cast<std::size_t>(x.cols());
  std::vector<float> u;
  if (m_config.stochastic_rounding) u.resize(cols);
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const float to_code = row_scale[b] > 0 ? limit / row_scale[b] : 0.0f;
    auto row = x.row(b).array();
    if (!m_config.quantise) {
      row *= to_code * inv_max;
    } else if (m_config.stochastic_rounding) {
      rounding.uniform(u.data(), cols, (read.first_image + static_cast<std::uint64_t>(b)) * cols);
      const Eigen::Map<const Eigen::Array<float, 1, Eigen::Dynamic>> uniform(u.data(), x.cols());
      // floor(v + u) with u in [0, 1) rounds up with probability frac(v): unbiased in the mean.
      row = ((row * to_code).max(-limit).min(limit) + (1.0f - uniform)).floor().min(limit) * inv_max;
    } else {
      row = (row * to_code).round().max(-limit).min(limit) * inv_max;
    }
  }
}

}  // namespace imcsim::hw
