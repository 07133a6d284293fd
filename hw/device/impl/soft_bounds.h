#pragma once
// Soft-bounds device: steps vanish at the bounds, up = a+ (1 - w / b_max), down = a- (1 - w / b_min).
// Symmetry point (steps equal): w* = (a+ - a-) / (a+ / b_max - a- / b_min). Requires b_min < 0 < b_max.

#include <algorithm>

#include "hw/device/pulse_law.h"

namespace imcsim::hw {

class SoftBoundsDevice final : public PulsedDeviceImpl<SoftBoundsDevice> {
 public:
  SoftBoundsDevice(const PulsedDeviceConfig& config, const std::string& key_prefix);
  std::string name() const override { return "soft-bounds"; }
  float step_up(const PulsedDeviceParams& p, float w) const override {
    return std::max(0.0f, p.a_up * (1.0f - w / p.b_max));
  }
  float step_down(const PulsedDeviceParams& p, float w) const override {
    return std::max(0.0f, p.a_down * (1.0f - w / p.b_min));
  }
  /// One formula for both directions: a (1 - w / b), selecting a and b, so one division per pulse.
  float step(const PulsedDeviceParams& p, float w, bool up) const {
    const float a = up ? p.a_up : p.a_down;
    const float b = up ? p.b_max : p.b_min;
    return std::max(0.0f, a * (1.0f - w / b));
  }
  float symmetry_point(const PulsedDeviceParams& p) const override;
};

}  // namespace imcsim::hw
