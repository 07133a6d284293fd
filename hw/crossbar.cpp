#include "hw/crossbar.h"

#include <vector>

#include "base/check.h"

namespace imcsim::hw {

const NameTable<InputScaling>& input_scaling_names() {
  static const NameTable<InputScaling> table{{InputScaling::fixed, "fixed"}, {InputScaling::abs_max, "abs_max"}};
  return table;
}

namespace {
CrossbarConfig validated(const CrossbarConfig& config) {
  require_in_range("crossbar.rows", config.rows, 1, 1 << 16);
  require_in_range("crossbar.cols", config.cols, 1, 1 << 16);
  require_non_negative("crossbar.output_noise_std", config.output_noise_std);
  require_non_negative("crossbar.pcm_read_noise", config.pcm_read_noise);
  return config;
}

StreamKey mismatch_key(std::uint64_t seed, std::uint32_t array_id, std::uint32_t bank) {
  return {seed, RandomPurpose::adc_mismatch, array_id, bank};
}
}  // namespace

Crossbar::Crossbar(const CrossbarConfig& config, std::uint64_t seed, std::uint32_t array_id)
    : m_config(validated(config)),
      m_seed(seed),
      m_array_id(array_id),
      m_dac(config.dac),
      m_column_adc(config.adc, config.cols, RandomStream(mismatch_key(seed, array_id, 0))),
      m_row_adc(config.adc, config.rows, RandomStream(mismatch_key(seed, array_id, 1))) {
  m_column_adc.calibrate();
  m_row_adc.calibrate();
}

void Crossbar::set_weights(const WeightMatrix& normalised, const Vector& column_scales) {
  if (normalised.rows() > m_config.rows || normalised.cols() > m_config.cols) {
    throw ParameterError("crossbar.weights", "a " + std::to_string(normalised.rows()) + " x " +
                                                 std::to_string(normalised.cols()) + " block does not fit a " +
                                                 std::to_string(m_config.rows) + " x " + std::to_string(m_config.cols) +
                                                 " array");
  }
  if (column_scales.size() != normalised.cols()) {
    throw ParameterError("crossbar.column_scales", "needs one scale per weight column");
  }
  m_weights = normalised;
  m_weights_t = normalised.transpose();
  m_abs_weights = normalised.cwiseAbs();
  m_abs_weights_t = m_abs_weights.transpose();
  m_column_scales = column_scales;
}

StreamKey Crossbar::key(RandomPurpose purpose, Direction direction, const ReadId& read) const {
  return {m_seed, purpose, (m_array_id << 1) | static_cast<std::uint32_t>(direction), read.pass};
}

namespace {
struct ReadWorkspace {
  Vector scale;
  BatchMatrix levels;
  BatchMatrix squares;
  BatchMatrix sigma;
  BatchMatrix xi;
};
}  // namespace

void Crossbar::read(const BatchMatrix& x, const WeightMatrix& w, const WeightMatrix& abs_w, const Adc& adc,
                    Direction direction, const ReadId& read_id, BatchMatrix& y) const {
  if (x.cols() != w.rows()) {
    throw ParameterError("crossbar.input", "input width " + std::to_string(x.cols()) + " does not match the " +
                                               std::to_string(w.rows()) + " driven lines");
  }
  thread_local ReadWorkspace ws;
  ws.scale.resize(x.rows());
  if (m_config.input_scaling == InputScaling::abs_max) {
    ws.scale = x.cwiseAbs().rowwise().maxCoeff();
  } else {
    ws.scale.setConstant(m_config.dac.input_range);
  }
  ws.levels = x;
  m_dac.convert(ws.levels, ws.scale, RandomStream(key(RandomPurpose::dac_rounding, direction, read_id)), read_id);

  y.noalias() = ws.levels * w;
  const float w_noise = m_config.pcm_read_noise;
  const float out_noise = m_config.output_noise_std;
  if (w_noise > 0 || out_noise > 0) {
    ws.xi.resize(y.rows(), y.cols());
    RandomStream(key(RandomPurpose::output_noise, direction, read_id))
        .normal(ws.xi.data(), static_cast<std::size_t>(ws.xi.size()),
                read_id.first_image * static_cast<std::uint64_t>(y.cols()));
    if (w_noise > 0) {
      // Plain matrices on both sides so the product goes to the GEMM backend.
      ws.squares = ws.levels.cwiseAbs2();
      ws.sigma.noalias() = ws.squares * abs_w;
      y.array() += (ws.sigma.array() * (w_noise * w_noise) + out_noise * out_noise).sqrt() * ws.xi.array();
    } else {
      y.array() += out_noise * ws.xi.array();
    }
  }
  adc.convert(y, RandomStream(key(RandomPurpose::adc_noise, direction, read_id)), read_id);
  y.array().colwise() *= ws.scale.array();
}

void Crossbar::forward(const BatchMatrix& x, const ReadId& read_id, BatchMatrix& y) const {
  read(x, m_weights, m_abs_weights, m_column_adc, Direction::forward, read_id, y);
  y.array().rowwise() *= m_column_scales.transpose().array();
}

BatchMatrix Crossbar::forward(const BatchMatrix& x, const ReadId& read_id) const {
  BatchMatrix y;
  forward(x, read_id, y);
  return y;
}

BatchMatrix Crossbar::backward(const BatchMatrix& d, const ReadId& read_id) const {
  BatchMatrix scaled = d;
  if (scaled.cols() == m_column_scales.size()) scaled.array().rowwise() *= m_column_scales.transpose().array();
  BatchMatrix e;
  read(scaled, m_weights_t, m_abs_weights_t, m_row_adc, Direction::backward, read_id, e);
  return e;
}

}  // namespace imcsim::hw
