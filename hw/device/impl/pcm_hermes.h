#pragma once
// PCM model calibrated on the HERMES chip (aihwkit's HermesNoiseModel; Vasilopoulos et al., IEEE TED 2023).
// With two devices per polarity the fit describes the pair as one effective conductance of up to 20.7 uS
// (both devices hosting the same conductance); with one device, up to 10.35 uS.

#include "hw/device/inference_device.h"

namespace imcsim::hw {

class PcmHermesDevice final : public InferenceDeviceModel {
 public:
  /// devices_per_polarity is 1 or 2.
  static InferenceDeviceParams default_params(int devices_per_polarity);
  PcmHermesDevice(const InferenceDeviceParams& params, int devices_per_polarity);

  std::string name() const override { return m_devices == 2 ? "pcm-hermes" : "pcm-hermes-single"; }
  float prog_noise_std_us(float g) const override;
  float drift_nu_mean(float g) const override;
  float drift_nu_std(float g) const override;
  float read_noise_q(float g) const override;

 private:
  int m_devices;
};

}  // namespace imcsim::hw
