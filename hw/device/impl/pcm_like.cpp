#include "hw/device/impl/pcm_like.h"

#include <algorithm>
#include <cmath>

namespace imcsim::hw {

InferenceDeviceParams PcmLikeDevice::default_params() {
  InferenceDeviceParams p;
  p.g_max_us = 25.0f;
  p.t0_s = 20.0f;
  p.t_read_s = 250e-9f;
  return p;
}

float PcmLikeDevice::prog_noise_std_us(float g) const {
  constexpr float reference_g_max_us = 25.0f;
  const float sigma = 0.26348f + 1.9650f * g - 1.1731f * g * g;
  return std::max(0.0f, sigma * params().g_max_us / reference_g_max_us);
}

float PcmLikeDevice::drift_nu_mean(float g) const { return std::clamp(-0.0155f * std::log(g) + 0.0244f, 0.049f, 0.1f); }

float PcmLikeDevice::drift_nu_std(float g) const {
  return std::clamp(-0.0125f * std::log(g) - 0.0059f, 0.008f, 0.045f);
}

float PcmLikeDevice::read_noise_q(float g) const {
  return std::min(0.0088f / std::max(std::pow(g, 0.65f), 1e-3f), 0.2f);
}

}  // namespace imcsim::hw
