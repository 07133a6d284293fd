#include "workloads/training/hardware_aware.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "base/check.h"
#include "base/random.h"
#include "base/text.h"
#include "hw/device/inference_device.h"
#include "hw/periphery/adc.h"
#include "hw/periphery/dac.h"

namespace imcsim::workloads::training {

bool HardwareAwareConfig::any() const {
  return weight_noise != WeightNoise::none || output_noise > 0 || dac_bits > 0 || adc_bits > 0 || clip_sigma > 0 ||
         learn_input_range;
}

void HardwareAwareConfig::validate() const {
  require_non_negative("train.weight_noise_std", weight_noise_std);
  if (weight_noise != WeightNoise::none && weight_noise_std <= 0) {
    throw ParameterError("train.weight_noise_std", "must be positive when weight noise is on");
  }
  require_non_negative("train.weight_noise_time_s", weight_noise_time_s);
  if (weight_noise_time_s > 0 && weight_noise != WeightNoise::pcm_hermes) {
    throw ParameterError("train.weight_noise_time_s", "needs weight noise pcm-hermes");
  }
  require_non_negative("train.output_noise", output_noise);
  if (dac_bits != 0) require_in_range("train.dac_bits", dac_bits, 2, 16);
  if (adc_bits != 0) require_in_range("train.adc_bits", adc_bits, 2, 16);
  require_positive("train.adc_range", adc_range);
  require_non_negative("train.clip_sigma", clip_sigma);
  require_positive("train.input_range_init", input_range_init);
  require_in_range("train.input_range_init_batches", input_range_init_batches, 0, 1 << 20);
  require_non_negative("train.input_range_decay", input_range_decay);
}

WeightNoise parse_weight_noise(const std::string& name) {
  if (name == "none") return WeightNoise::none;
  if (name == "additive") return WeightNoise::additive;
  if (name == "pcm") return WeightNoise::pcm;
  if (name == "pcm-hermes") return WeightNoise::pcm_hermes;
  throw ParameterError("train.weight_noise", "unknown weight noise '" + name + "' (known: " +
                                                 join_names({"none", "additive", "pcm", "pcm-hermes"}) + ")");
}

std::string weight_noise_name(WeightNoise kind) {
  switch (kind) {
    case WeightNoise::additive:
      return "additive";
    case WeightNoise::pcm:
      return "pcm";
    case WeightNoise::pcm_hermes:
      return "pcm-hermes";
    case WeightNoise::none:
      break;
  }
  return "none";
}

AnalogProduct::AnalogProduct(const HardwareAwareConfig& config, std::uint32_t layer)
    : m_config(config), m_layer(layer) {
  config.validate();
  if (config.dac_bits > 0) m_dac = std::make_unique<hw::Dac>(hw::DacConfig{config.dac_bits, 1.0f, false, true});
  if (config.weight_noise == WeightNoise::pcm) m_device = hw::make_inference_device(hw::InferenceDeviceConfig{});
  if (config.weight_noise == WeightNoise::pcm_hermes) {
    hw::InferenceDeviceConfig device;
    device.model = "pcm-hermes";
    m_device = hw::make_inference_device(device);
  }
  m_range.name = "";
  m_range.shape = {1};
  m_range.value = Matrix::Constant(1, 1, static_cast<float>(config.input_range_init));
  m_range.grad = Matrix::Zero(1, 1);
}

AnalogProduct::~AnalogProduct() = default;
AnalogProduct::AnalogProduct(AnalogProduct&&) noexcept = default;
AnalogProduct& AnalogProduct::operator=(AnalogProduct&&) noexcept = default;

void AnalogProduct::begin(const Matrix& w, std::uint64_t step, bool training) {
  m_step = step;
  m_training = training;
  m_weights = &w;
  m_w_max = std::max(w.cwiseAbs().maxCoeff(), 1e-12f);
  if (m_config.adc_bits > 0 && (!m_adc || m_adc->columns() != w.rows())) {
    hw::AdcConfig adc;
    adc.bits = m_config.adc_bits;
    adc.output_range = static_cast<float>(m_config.adc_range);
    m_adc = std::make_unique<hw::Adc>(adc, static_cast<int>(w.rows()),
                                      RandomStream({m_config.seed, RandomPurpose::adc_mismatch, m_layer, 0}));
  }
  if (!training || m_config.weight_noise == WeightNoise::none) return;
  // This step's weights: one draw per weight and step, the same for every chunk.
  m_noisy.resize(w.rows(), w.cols());
  m_weights = &m_noisy;
  if (m_config.weight_noise == WeightNoise::pcm_hermes) {
    hermes_weights(w, step);
    return;
  }
  RandomStream({m_config.seed, RandomPurpose::weight_noise, m_layer, static_cast<std::uint32_t>(step)})
      .normal(m_noisy.data(), static_cast<std::size_t>(m_noisy.size()));
  const auto k = static_cast<float>(m_config.weight_noise_std);
  if (m_config.weight_noise == WeightNoise::additive) {
    m_noisy = w + (k * m_w_max) * m_noisy;
  } else {
    // A differential pair: the weight's device at g = |w| / w_max, its partner at 0; both carry programming noise.
    const float g_max = m_device->params().g_max_us;
    const float sigma0 = m_device->prog_noise_std_us(0.0f);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      const float s = m_device->prog_noise_std_us(std::abs(w.data()[i]) / m_w_max);
      m_noisy.data()[i] = w.data()[i] + k * m_w_max / g_max * std::sqrt(s * s + sigma0 * sigma0) * m_noisy.data()[i];
    }
  }
  m_weights = &m_noisy;
}

void AnalogProduct::hermes_weights(const Matrix& w, std::uint64_t step) {
  // As the chip maps and reads a weight (hw/weight_mapping.h, hw/programmed_array.h), in units of g_max: per output
  // (a row of w, a column of the crossbar) the scale is the row's max |w|; the weight's device is at g = |w| / scale,
  // its partner at 0. Both are programmed with noise, drift with their own exponent and carry one draw of the
  // accumulated read noise at time T; a global factor (the chip's drift compensation) restores the layer's
  // mean |w|. Device i of the weight's polarity and its partner take positions i and n + i of each stream.
  const hw::InferenceDeviceModel& d = *m_device;
  const auto k = static_cast<float>(m_config.weight_noise_std);
  const float g_max = d.params().g_max_us;
  const double t = m_config.weight_noise_time_s;
  const auto n = static_cast<std::size_t>(w.size());
  const auto id_b = static_cast<std::uint32_t>(step);
  std::vector<float> prog(2 * n), nu, read;
  RandomStream({m_config.seed, RandomPurpose::programming_noise, m_layer, id_b}).normal(prog.data(), 2 * n);
  float log_ratio = 0, read_factor = 0;
  if (t > 0) {
    nu.resize(2 * n);
    read.resize(2 * n);
    RandomStream({m_config.seed, RandomPurpose::drift_exponent, m_layer, id_b}).normal(nu.data(), 2 * n);
    RandomStream({m_config.seed, RandomPurpose::read_noise, m_layer, id_b}).normal(read.data(), 2 * n);
    const double t0 = d.params().t0_s;
    log_ratio = static_cast<float>(std::log((t + t0) / t0));
    read_factor = d.read_noise_time_factor(t);
  }
  const hw::Vector scale = w.cwiseAbs().rowwise().maxCoeff().cwiseMax(1e-12f);
  // One device: target g (normalised), draw index j; returns its normalised conductance at programming and at t.
  const auto device = [&](float g, std::size_t j, float& at_t) {
    const float gp = std::max(0.0f, g + k * d.prog_noise_std_us(g) / g_max * prog[j]);
    at_t = gp;
    if (t > 0) {
      const float gn = std::max(g, 1e-7f);
      const float e = std::fabs(d.drift_nu_mean(gn) + k * d.drift_nu_std(gn) * nu[j]);
      at_t = gp * std::exp(-e * log_ratio);
      at_t = std::max(0.0f, at_t + at_t * k * d.read_noise_q(std::max(gp, 1e-7f)) * read_factor * read[j]);
    }
    return gp;
  };
  double sum_programmed = 0, sum_now = 0;
  for (Eigen::Index c = 0; c < w.cols(); ++c) {
    for (Eigen::Index r = 0; r < w.rows(); ++r) {
      const auto i = static_cast<std::size_t>(c * w.rows() + r);  // column-major position
      const float v = w(r, c);
      const float g = std::fabs(v) / scale[r];
      float own_t = 0, partner_t = 0;
      const float own = device(g, i, own_t);
      const float partner = device(0.0f, n + i, partner_t);
      const float sign = v < 0 ? -1.0f : 1.0f;
      sum_programmed += std::fabs(own - partner) * scale[r];
      sum_now += std::fabs(own_t - partner_t) * scale[r];
      m_noisy(r, c) = sign * (own_t - partner_t) * scale[r];
    }
  }
  if (t > 0 && sum_now > 0) m_noisy *= static_cast<float>(sum_programmed / sum_now);
}

Matrix AnalogProduct::forward(Matrix x, std::uint64_t first, ProductCache* cache) const {
  const bool hwa = m_training && cache != nullptr;
  if (!hwa ||
      !(m_config.dac_bits > 0 || m_config.adc_bits > 0 || m_config.output_noise > 0 || m_config.learn_input_range)) {
    if (cache == nullptr) return x * m_weights->transpose();
    cache->x = std::move(x);
    return cache->x * m_weights->transpose();
  }
  // Full-scale input of each vector: the learned range, or the vector's own max |x| (aihwkit's abs-max noise
  // management).
  hw::Vector scale(x.rows());
  if (m_config.learn_input_range) {
    const float r = m_range.value(0, 0);
    scale.setConstant(r);
    cache->sum_squares = static_cast<double>(x.squaredNorm());
    cache->count = static_cast<double>(x.size());
    x = x.cwiseMax(-r).cwiseMin(r);
  } else {
    scale = x.cwiseAbs().rowwise().maxCoeff();
  }
  if (m_dac) {
    m_dac->convert(x, scale, RandomStream({m_config.seed, RandomPurpose::dac_rounding, m_layer, 0}), {});
    x.array().colwise() *= scale.array();
  }
  if (m_config.learn_input_range) cache->clipped_count = static_cast<double>((x.array().abs() >= scale[0]).count());
  cache->x = std::move(x);
  Matrix y = cache->x * m_weights->transpose();
  if (m_config.output_noise > 0 || m_adc) {
    const hw::Vector unit = (scale.array() * m_w_max).max(1e-12f).matrix();
    y.array().colwise() /= unit.array();
    if (m_config.output_noise > 0) {
      Matrix xi(y.rows(), y.cols());
      RandomStream({m_config.seed, RandomPurpose::output_noise, m_layer, static_cast<std::uint32_t>(m_step)})
          .normal(xi.data(), static_cast<std::size_t>(xi.size()), first * static_cast<std::uint64_t>(y.cols()));
      y += static_cast<float>(m_config.output_noise) * xi;
    }
    if (m_adc) m_adc->convert(y, RandomStream({m_config.seed, RandomPurpose::adc_noise, m_layer, 0}), {});
    y.array().colwise() *= unit.array();
  }
  return y;
}

Matrix AnalogProduct::backward(const Matrix& dy, const ProductCache& cache, Matrix& dw, float& range_grad) const {
  dw.noalias() += dy.transpose() * cache.x;
  Matrix dx = dy * (*m_weights);
  if (m_config.learn_input_range && m_training && cache.clipped_count > 0) {
    // aihwkit's InputRangeForward: inputs at the range pass no gradient; the range receives the gradient of
    // those that would grow beyond it.
    const float r = m_range.value(0, 0);
    const auto x = cache.x.array();
    const auto d = dx.array();
    range_grad += (x >= r).select(d.min(0.0f), 0.0f).sum() - (x <= -r).select(d.max(0.0f), 0.0f).sum();
    dx = (x.abs() >= r).select(0.0f, d).matrix();
  }
  return dx;
}

void AnalogProduct::end_forward(const std::vector<const ProductCache*>& caches) {
  if (!m_config.learn_input_range || !m_training || m_range_steps >= m_config.input_range_init_batches) return;
  double sum = 0, count = 0;
  for (const auto* c : caches) {
    sum += c->sum_squares;
    count += c->count;
  }
  if (count <= 0) return;
  // Three standard deviations (about the origin) of this step's inputs, averaged over the first steps.
  const double estimate = 3.0 * std::sqrt(sum / count);
  ++m_range_steps;
  m_range_mean += (estimate - m_range_mean) / m_range_steps;
  m_range.value(0, 0) = static_cast<float>(std::max(m_range_mean, 1e-6));
}

void AnalogProduct::set_range_gradient(double clipped_grad, const std::vector<const ProductCache*>& caches) {
  if (!m_config.learn_input_range) return;
  double clipped = 0, count = 0;
  for (const auto* c : caches) {
    clipped += c->clipped_count;
    count += c->count;
  }
  const double inside = count > 0 ? 1.0 - clipped / count : 0.0;
  m_range.grad(0, 0) = static_cast<float>(clipped_grad + m_config.input_range_decay * m_range.value(0, 0) * inside);
}

void AnalogProduct::clip(Matrix& w) const {
  if (m_config.clip_sigma <= 0) return;
  const double mean = w.mean();
  const double var = (w.array() - static_cast<float>(mean)).square().mean();
  const auto bound = static_cast<float>(m_config.clip_sigma * std::sqrt(var));
  w = w.cwiseMax(-bound).cwiseMin(bound);
}

}  // namespace imcsim::workloads::training
