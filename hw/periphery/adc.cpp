#include "hw/periphery/adc.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "base/check.h"

namespace imcsim::hw {

const NameTable<AdcKind>& adc_kind_names() {
  static const NameTable<AdcKind> table{
      {AdcKind::cco, "cco"}, {AdcKind::sar, "sar"}, {AdcKind::flash, "flash"}, {AdcKind::ramp, "ramp"}};
  return table;
}

Adc::Adc(const AdcConfig& config, int columns, const RandomStream& mismatch) : m_config(config) {
  require_bits("adc.bits", config.bits);
  if (config.bits < 2) throw ParameterError("adc.bits", "a signed ADC needs at least 2 bits (sign + magnitude)");
  require_positive("adc.output_range", config.output_range);
  require_non_negative("adc.noise_std_lsb", config.noise_std_lsb);
  require_non_negative("adc.gain_error_std", config.gain_error_std);
  require_non_negative("adc.offset_error_std_lsb", config.offset_error_std_lsb);
  require_non_negative("adc.nonlinearity_lsb", config.nonlinearity_lsb);
  require_in_range("adc.calibration_points", config.calibration_points, 2, 1 << 20);
  if (columns < 1) throw ParameterError("adc.columns", "an ADC bank needs at least one column");
  m_max_code = (1 << (config.bits - 1)) - 1;
  m_lsb = config.output_range / static_cast<float>(m_max_code);

  std::vector<float> xi(2 * static_cast<std::size_t>(columns));
  mismatch.normal(xi.data(), xi.size(), 0);
  m_gain.resize(columns);
  m_offset_lsb.resize(columns);
  for (int j = 0; j < columns; ++j) {
    m_gain[j] = 1.0f + config.gain_error_std * xi[2 * static_cast<std::size_t>(j)];
    m_offset_lsb[j] = config.offset_error_std_lsb * xi[2 * static_cast<std::size_t>(j) + 1];
  }
  m_corr_gain = Vector::Ones(columns);
  m_corr_offset = Vector::Zero(columns);
}

bool Adc::has_errors() const {
  return m_config.gain_error_std > 0 || m_config.offset_error_std_lsb > 0 || m_config.nonlinearity_lsb > 0;
}

float Adc::distort(float v, int column) const {
  const float u = v / m_config.output_range;
  return m_gain[column] * v + m_offset_lsb[column] * m_lsb + m_config.nonlinearity_lsb * m_lsb * (u * u * u - u);
}

int Adc::code(float v, int column) const {
  const float c = std::round(distort(v, column) / m_lsb);
  return static_cast<int>(std::clamp(c, -static_cast<float>(m_max_code), static_cast<float>(m_max_code)));
}

void Adc::calibrate() {
  if (!m_config.calibrate || !has_errors()) return;
  // The ramp stays inside 90 % of the range so clipped end codes do not bias the fit.
  const int points = m_config.calibration_points;
  for (int j = 0; j < columns(); ++j) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < points; ++k) {
      const double v = m_config.output_range * 0.9 * (-1.0 + 2.0 * k / (points - 1));
      const double d = code(static_cast<float>(v), j) * static_cast<double>(m_lsb);
      sx += v;
      sy += d;
      sxx += v * v;
      sxy += v * d;
    }
    const double slope = (points * sxy - sx * sy) / (points * sxx - sx * sx);
    const double intercept = (sy - slope * sx) / points;
    m_corr_gain[j] = static_cast<float>(1.0 / slope);
    m_corr_offset[j] = static_cast<float>(intercept);
  }
}

void Adc::convert(BatchMatrix& y, const RandomStream& noise, const ReadId& read) const {
  const Eigen::Index cols = y.cols();
  if (cols > columns()) throw ParameterError("adc.columns", "more outputs than ADC columns");
  const float limit = static_cast<float>(m_max_code);
  const float inv_lsb = 1.0f / m_lsb;
  const bool mismatch = has_errors();
  const bool noisy = m_config.noise_std_lsb > 0;
  std::vector<float> xi(noisy ? static_cast<std::size_t>(cols) : 0);
  for (Eigen::Index b = 0; b < y.rows(); ++b) {
    auto row = y.row(b).array();
    if (mismatch) {
      for (Eigen::Index j = 0; j < cols; ++j) row[j] = distort(row[j], static_cast<int>(j));
    }
    if (noisy) {
      noise.normal(xi.data(), xi.size(),
                   (read.first_image + static_cast<std::uint64_t>(b)) * static_cast<std::uint64_t>(cols));
      row += m_config.noise_std_lsb * m_lsb * Eigen::Map<const Eigen::Array<float, 1, Eigen::Dynamic>>(xi.data(), cols);
    }
    if (m_config.quantise) row = (row * inv_lsb).round().max(-limit).min(limit) * m_lsb;
    if (mismatch && m_config.calibrate) {
      row = (row - m_corr_offset.head(cols).transpose().array()) * m_corr_gain.head(cols).transpose().array();
    }
  }
}

}  // namespace imcsim::hw
