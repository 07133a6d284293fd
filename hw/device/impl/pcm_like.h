#pragma once
// PCM statistical model of Nandakumar et al. (2019) and Joshi et al. (Nat. Commun. 2020), in the form of
// aihwkit's PCMLikeNoiseModel. g is G / g_max; the programming-noise fit is referenced to g_max = 25 uS.

#include "hw/device/inference_device.h"

namespace imcsim::hw {

class PcmLikeDevice final : public InferenceDeviceModel {
 public:
  static InferenceDeviceParams default_params();
  explicit PcmLikeDevice(const InferenceDeviceParams& params) : InferenceDeviceModel(params) {}

  std::string name() const override { return "pcm"; }
  float prog_noise_std_us(float g) const override;
  float drift_nu_mean(float g) const override;
  float drift_nu_std(float g) const override;
  float read_noise_q(float g) const override;
};

}  // namespace imcsim::hw
