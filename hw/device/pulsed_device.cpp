#include "hw/device/pulsed_device.h"

#include <algorithm>
#include <cmath>

#include "base/check.h"
#include "base/text.h"
#include "hw/device/impl/constant_step.h"
#include "hw/device/impl/linear_step.h"
#include "hw/device/impl/soft_bounds.h"
#include "hw/device/pulse_law.h"

namespace imcsim::hw {

PulsedDeviceModel::PulsedDeviceModel(const PulsedDeviceConfig& config, const std::string& key_prefix)
    : m_config(config) {
  const auto key = [&](const char* field) { return key_prefix + field; };
  require_positive(key("dw_min"), config.dw_min);
  require_in_range(key("up_down"), config.up_down, -0.999, 0.999);
  if (!(config.w_max > config.w_min)) throw ParameterError(key("w_max"), "must be above " + key("w_min"));
  require_non_negative(key("gamma_up"), config.gamma_up);
  require_non_negative(key("gamma_down"), config.gamma_down);
  require_non_negative(key("dw_min_dtod"), config.dw_min_dtod);
  require_non_negative(key("up_down_dtod"), config.up_down_dtod);
  require_non_negative(key("w_bounds_dtod"), config.w_bounds_dtod);
  require_non_negative(key("dw_min_std"), config.dw_min_std);
}

PulsedDeviceParams PulsedDeviceModel::nominal() const {
  PulsedDeviceParams p;
  p.a_up = m_config.dw_min * (1.0f + m_config.up_down);
  p.a_down = m_config.dw_min * (1.0f - m_config.up_down);
  p.b_max = m_config.w_max;
  p.b_min = m_config.w_min;
  p.gamma_up = m_config.gamma_up;
  p.gamma_down = m_config.gamma_down;
  return p;
}

void PulsedDeviceModel::draw_devices(PulsedDeviceParams* out, std::size_t n, const RandomStream& stream,
                                     std::uint64_t first) const {
  std::vector<float> xi(4 * n);
  stream.normal(xi.data(), xi.size(), 4 * first);
  const PulsedDeviceParams base = nominal();
  for (std::size_t i = 0; i < n; ++i) {
    const float* x = &xi[4 * i];
    const float step = std::max(0.0f, 1.0f + m_config.dw_min_dtod * x[0]);
    const float up_down = std::clamp(m_config.up_down + m_config.up_down_dtod * x[1], -0.999f, 0.999f);
    PulsedDeviceParams p = base;
    p.a_up = m_config.dw_min * step * (1.0f + up_down);
    p.a_down = m_config.dw_min * step * (1.0f - up_down);
    p.b_max = base.b_max * (1.0f + m_config.w_bounds_dtod * x[2]);
    p.b_min = base.b_min * (1.0f + m_config.w_bounds_dtod * x[3]);
    if (p.b_max <= p.b_min) p.b_max = p.b_min = 0.5f * (p.b_max + p.b_min);
    out[i] = p;
  }
}

float PulsedDeviceModel::pulse(const PulsedDeviceParams& p, float w, int direction, float xi) const {
  return pulse_law(*this, m_config.dw_min_std, p, w, direction, xi);
}

float PulsedDeviceModel::symmetry_point(const PulsedDeviceParams& p) const {
  float lo = p.b_min;
  float hi = p.b_max;
  const auto imbalance = [&](float w) { return step_up(p, w) - step_down(p, w); };
  if (imbalance(lo) <= 0 && imbalance(hi) <= 0) return lo;
  if (imbalance(lo) >= 0 && imbalance(hi) >= 0) return hi;
  for (int it = 0; it < 60; ++it) {
    const float mid = 0.5f * (lo + hi);
    if ((imbalance(mid) > 0) == (imbalance(p.b_min) > 0))
      lo = mid;
    else
      hi = mid;
  }
  return 0.5f * (lo + hi);
}

PulsedDeviceConfig aihwkit_soft_bounds() {
  PulsedDeviceConfig c;
  c.model = "soft-bounds";
  c.dw_min = 0.001f;
  c.up_down = 0.0f;
  c.w_max = 0.6f;
  c.w_min = -0.6f;
  c.dw_min_dtod = 0.3f;
  c.up_down_dtod = 0.01f;
  c.w_bounds_dtod = 0.3f;
  c.dw_min_std = 0.3f;
  return c;
}

std::vector<std::string> pulsed_device_models() { return {"constant-step", "linear-step", "soft-bounds"}; }

std::unique_ptr<PulsedDeviceModel> make_pulsed_device(const PulsedDeviceConfig& config, const std::string& key_prefix) {
  if (config.model == "constant-step") return std::make_unique<ConstantStepDevice>(config, key_prefix);
  if (config.model == "linear-step") return std::make_unique<LinearStepDevice>(config, key_prefix);
  if (config.model == "soft-bounds") return std::make_unique<SoftBoundsDevice>(config, key_prefix);
  throw ParameterError(key_prefix + "model", "unknown pulsed device model '" + config.model +
                                                 "' (known: " + join_names(pulsed_device_models()) + ")");
}

}  // namespace imcsim::hw
