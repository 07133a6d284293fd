#pragma once
// Linear-step device: steps shrink (or grow) linearly with the state, with independent slopes for up and
// down pulses. Symmetry point: w* = (a+ - a-) / (a+ gamma+ + a- gamma-).

#include <algorithm>

#include "hw/device/pulse_law.h"

namespace imcsim::hw {

class LinearStepDevice final : public PulsedDeviceImpl<LinearStepDevice> {
 public:
  using PulsedDeviceImpl::PulsedDeviceImpl;
  std::string name() const override { return "linear-step"; }
  float step_up(const PulsedDeviceParams& p, float w) const override {
    return std::max(0.0f, p.a_up * (1.0f - p.gamma_up * w));
  }
  float step_down(const PulsedDeviceParams& p, float w) const override {
    return std::max(0.0f, p.a_down * (1.0f + p.gamma_down * w));
  }
};

}  // namespace imcsim::hw
