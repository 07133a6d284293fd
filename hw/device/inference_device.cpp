#include "hw/device/inference_device.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "base/text.h"
#include "hw/device/impl/ideal_device.h"
#include "hw/device/impl/pcm_hermes.h"
#include "hw/device/impl/pcm_like.h"

namespace imcsim::hw {

InferenceDeviceModel::InferenceDeviceModel(InferenceDeviceParams params) : m_params(params) {
  require_positive("device.g_max_us", m_params.g_max_us);
  require_positive("device.t0_s", m_params.t0_s);
  require_positive("device.t_read_s", m_params.t_read_s);
  require_non_negative("device.prog_noise_scale", m_params.prog_noise_scale);
  require_non_negative("device.drift_scale", m_params.drift_scale);
  require_non_negative("device.read_noise_scale", m_params.read_noise_scale);
}

float InferenceDeviceModel::normalised(float g_us) const {
  return std::max(std::fabs(g_us) / m_params.g_max_us, 1e-7f);
}

float InferenceDeviceModel::read_noise_time_factor(double t_s) const {
  const double total_s = t_s + m_params.t0_s;
  const double ratio = (total_s + m_params.t_read_s) / (2.0 * m_params.t_read_s);
  return ratio > 1.0 ? static_cast<float>(std::sqrt(std::log(ratio))) : 0.0f;
}

float InferenceDeviceModel::read_noise_std_us(float g_prog_us, float g_us, double t_s) const {
  return std::fabs(g_us) * m_params.read_noise_scale * read_noise_q(normalised(g_prog_us)) *
         read_noise_time_factor(t_s);
}

void InferenceDeviceModel::program(const float* g_target_us, float* g_prog_us, std::size_t n,
                                   const RandomStream& stream, std::uint64_t first) const {
  stream.normal(g_prog_us, n, first);
  for (std::size_t i = 0; i < n; ++i) {
    const float sigma = m_params.prog_noise_scale * prog_noise_std_us(normalised(g_target_us[i]));
    g_prog_us[i] = std::max(0.0f, g_target_us[i] + sigma * g_prog_us[i]);
  }
}

void InferenceDeviceModel::draw_drift_exponents(const float* g_target_us, float* nu, std::size_t n,
                                                const RandomStream& stream, std::uint64_t first) const {
  stream.normal(nu, n, first);
  for (std::size_t i = 0; i < n; ++i) {
    const float g = normalised(g_target_us[i]);
    nu[i] = m_params.drift_scale * std::fabs(drift_nu_mean(g) + drift_nu_std(g) * nu[i]);
  }
}

void InferenceDeviceModel::drift(const float* g_prog_us, const float* nu, double t_s, float* g_out_us,
                                 std::size_t n) const {
  if (t_s <= 0) {
    std::copy(g_prog_us, g_prog_us + n, g_out_us);
    return;
  }
  const float log_ratio = static_cast<float>(std::log((t_s + m_params.t0_s) / m_params.t0_s));
  for (std::size_t i = 0; i < n; ++i) g_out_us[i] = g_prog_us[i] * std::exp(-nu[i] * log_ratio);
}

void InferenceDeviceModel::add_read_noise(const float* g_prog_us, double t_s, float* g_us, std::size_t n,
                                          const RandomStream& stream, std::uint64_t first) const {
  const float time_factor = m_params.read_noise_scale * read_noise_time_factor(t_s);
  if (time_factor == 0.0f) return;
  std::vector<float> xi(n);
  stream.normal(xi.data(), n, first);
  for (std::size_t i = 0; i < n; ++i) {
    const float sigma = std::fabs(g_us[i]) * read_noise_q(normalised(g_prog_us[i])) * time_factor;
    g_us[i] = std::max(0.0f, g_us[i] + sigma * xi[i]);
  }
}

std::vector<std::string> inference_device_models() { return {"pcm", "pcm-hermes", "pcm-hermes-single", "ideal"}; }

namespace {
/// The model's defaults with the config's overrides applied.
InferenceDeviceParams with_overrides(InferenceDeviceParams params, const InferenceDeviceConfig& config) {
  if (config.g_max_us) params.g_max_us = *config.g_max_us;
  if (config.t0_s) params.t0_s = *config.t0_s;
  if (config.t_read_s) params.t_read_s = *config.t_read_s;
  params.prog_noise_scale = config.prog_noise_scale;
  params.drift_scale = config.drift_scale;
  params.read_noise_scale = config.read_noise_scale;
  return params;
}
}  // namespace

std::unique_ptr<InferenceDeviceModel> make_inference_device(const InferenceDeviceConfig& config) {
  if (config.model == "pcm") {
    return std::make_unique<PcmLikeDevice>(with_overrides(PcmLikeDevice::default_params(), config));
  }
  if (config.model == "pcm-hermes" || config.model == "pcm-hermes-single") {
    const int devices = config.model == "pcm-hermes" ? 2 : 1;
    return std::make_unique<PcmHermesDevice>(with_overrides(PcmHermesDevice::default_params(devices), config), devices);
  }
  if (config.model == "ideal") {
    return std::make_unique<IdealDevice>(with_overrides(IdealDevice::default_params(), config));
  }
  throw ParameterError("device.model", "unknown inference device model '" + config.model +
                                           "' (known: " + join_names(inference_device_models()) + ")");
}

}  // namespace imcsim::hw
