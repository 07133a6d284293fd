#include "hw/device/impl/soft_bounds.h"

#include "base/errors.h"

namespace imcsim::hw {

SoftBoundsDevice::SoftBoundsDevice(const PulsedDeviceConfig& config, const std::string& key_prefix)
    : PulsedDeviceImpl(config, key_prefix) {
  if (!(config.w_max > 0)) throw ParameterError(key_prefix + "w_max", "soft bounds need w_max > 0");
  if (!(config.w_min < 0)) throw ParameterError(key_prefix + "w_min", "soft bounds need w_min < 0");
}

float SoftBoundsDevice::symmetry_point(const PulsedDeviceParams& p) const {
  const float denominator = p.a_up / p.b_max - p.a_down / p.b_min;
  if (!(denominator > 0)) return PulsedDeviceModel::symmetry_point(p);
  return std::clamp((p.a_up - p.a_down) / denominator, p.b_min, p.b_max);
}

}  // namespace imcsim::hw
