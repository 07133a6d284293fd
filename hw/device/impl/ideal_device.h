#pragma once
// A noiseless, drift-free device: the reference point of a design (conductances exactly as programmed).

#include "hw/device/inference_device.h"

namespace imcsim::hw {

class IdealDevice final : public InferenceDeviceModel {
 public:
  static InferenceDeviceParams default_params() { return {}; }
  explicit IdealDevice(const InferenceDeviceParams& params) : InferenceDeviceModel(params) {}

  std::string name() const override { return "ideal"; }
  float prog_noise_std_us(float) const override { return 0.0f; }
  float drift_nu_mean(float) const override { return 0.0f; }
  float drift_nu_std(float) const override { return 0.0f; }
  float read_noise_q(float) const override { return 0.0f; }
};

}  // namespace imcsim::hw
