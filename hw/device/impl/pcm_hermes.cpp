#include "hw/device/impl/pcm_hermes.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"

namespace imcsim::hw {

InferenceDeviceParams PcmHermesDevice::default_params(int devices_per_polarity) {
  InferenceDeviceParams p;
  p.g_max_us = devices_per_polarity == 2 ? 20.7f : 10.35f;
  p.t0_s = devices_per_polarity == 2 ? 300.0f : 200.0f;
  p.t_read_s = 512e-9f;
  return p;
}

PcmHermesDevice::PcmHermesDevice(const InferenceDeviceParams& params, int devices_per_polarity)
    : InferenceDeviceModel(params), m_devices(devices_per_polarity) {
  if (m_devices != 1 && m_devices != 2) {
    throw ParameterError("device.devices_per_polarity", "the HERMES fit exists for 1 or 2 devices only");
  }
}

float PcmHermesDevice::prog_noise_std_us(float g) const {
  // Cubic fits of the programming error (multi-step programming), referenced to each variant's g_max.
  const float reference_g_max_us = m_devices == 2 ? 20.7f : 10.35f;
  const float c0 = m_devices == 2 ? 0.16603222f : 0.15781817f;
  const float c1 = m_devices == 2 ? 4.71806468f : 2.32443916f;
  const float c2 = m_devices == 2 ? -8.48101252f : -2.16310839f;
  const float c3 = m_devices == 2 ? 4.68961419f : 0.68841818f;
  const float sigma = c0 + g * (c1 + g * (c2 + g * c3));
  return std::max(0.0f, sigma * params().g_max_us / reference_g_max_us);
}

float PcmHermesDevice::drift_nu_mean(float g) const {
  if (g < 0.0945f) return std::clamp(-0.0387f * std::log(g) - 0.0182f, 0.072f, 0.13f);
  return -0.0436f * g * g - 0.0126f * g + 0.0736f;
}

float PcmHermesDevice::drift_nu_std(float g) const {
  if (m_devices == 2) {
    if (g < 0.3055f) return std::clamp(-0.0117f * std::log(g) - 0.0057f, 0.0091f, 0.04f);
    return -0.0118f * g * g + 0.0093f * g + 0.0073f;
  }
  if (g < 0.3039f) return std::clamp(-0.0120f * std::log(g) - 0.0023f, 0.0124f, 0.04f);
  return -0.0165f * g * g + 0.0116f * g + 0.0104f;
}

float PcmHermesDevice::read_noise_q(float g) const {
  if (m_devices == 2) {
    if (g < 0.16f) return std::clamp(-0.0117f * std::log(g) - 0.0069f, 0.015f, 0.04f);
    return ((0.0069f * g - 0.0280f) * g + 0.0211f) * g + 0.0123f;
  }
  if (g < 0.1591f) return std::clamp(-0.0078f * std::log(g) + 0.0038f, 0.0179f, 0.04f);
  return ((0.0664f * g - 0.1352f) * g + 0.0768f) * g + 0.0088f;
}

}  // namespace imcsim::hw
