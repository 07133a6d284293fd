#pragma once
// Constant-step device: every pulse moves the state by a fixed amount (a+ up, a- down) until a bound.

#include "hw/device/pulse_law.h"

namespace imcsim::hw {

class ConstantStepDevice final : public PulsedDeviceImpl<ConstantStepDevice> {
 public:
  using PulsedDeviceImpl::PulsedDeviceImpl;
  std::string name() const override { return "constant-step"; }
  float step_up(const PulsedDeviceParams& p, float) const override { return p.a_up; }
  float step_down(const PulsedDeviceParams& p, float) const override { return p.a_down; }
};

}  // namespace imcsim::hw
