#pragma once
// The pulse law of pulsed_device.h as inline code, and the base that gives every device implementation a list
// update (PulsedDeviceModel::apply_pulses) with its own steps inlined instead of two virtual calls per pulse.

#include <algorithm>
#include <cstddef>

#include "hw/device/pulsed_device.h"

namespace imcsim::hw {

/// w <- clip(w +- step * (1 + dw_min_std * xi), b_min, b_max) with the step of `device` in the pulse's direction
/// (Device::step: the up step when `up`, else the down step; the direction of a training pulse is random, so a
/// step computes without a branch on it).
template <class Device>
float pulse_law(const Device& device, float dw_min_std, const PulsedDeviceParams& p, float w, int direction, float xi) {
  const float step = device.step(p, w, direction > 0) * (1.0f + dw_min_std * xi);
  return std::clamp(w + (direction > 0 ? step : -step), p.b_min, p.b_max);
}

/// Base of the device implementations: `Derived` is final and defines step_up and step_down inline.
template <class Derived>
class PulsedDeviceImpl : public PulsedDeviceModel {
 public:
  using PulsedDeviceModel::PulsedDeviceModel;

  /// Both steps, then a select; a device whose steps share one formula hides this with a cheaper one.
  float step(const PulsedDeviceParams& p, float w, bool up) const {
    const auto& device = static_cast<const Derived&>(*this);
    const float step_up = device.step_up(p, w);
    const float step_down = device.step_down(p, w);
    return up ? step_up : step_down;
  }

  void apply_pulses(const PulsedDeviceParams* params, float* states, const std::size_t* devices,
                    const signed char* directions, const float* xi, std::size_t n) const final {
    // The devices of a list are scattered: fetch a few pulses ahead.
    constexpr std::size_t ahead = 32;
    const auto& device = static_cast<const Derived&>(*this);
    const float dw_min_std = config().dw_min_std;
    for (std::size_t k = 0; k < n; ++k) {
      if (k + ahead < n) {
        __builtin_prefetch(&params[devices[k + ahead]]);
        __builtin_prefetch(&states[devices[k + ahead]], 1);
      }
      const std::size_t i = devices[k];
      states[i] = pulse_law(device, dw_min_std, params[i], states[i], directions[k], xi[k]);
    }
  }
};

}  // namespace imcsim::hw
