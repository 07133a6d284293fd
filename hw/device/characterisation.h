#pragma once
// Device characterisation: the statistics of many devices of one model programmed to one state, as an
// architect measures them on test structures. Each statistic is computed from the simulated devices; the
// `expected_*` fields are the model's formulas evaluated on the same devices, for comparison.

#include <cstddef>
#include <cstdint>

#include "hw/device/inference_device.h"
#include "hw/device/pulsed_device.h"

namespace imcsim::hw {

struct InferenceDeviceStats {
  double g = 0;    ///< normalised target
  double t_s = 0;  ///< read time after programming
  double g_max_us = 0;
  double g_target_us = 0;
  double g_prog_mean_us = 0;
  double g_prog_std_us = 0;
  double nu_mean = 0;
  double nu_std = 0;
  double g_drift_mean_us = 0;  ///< drifted conductance at t, without read noise
  double g_drift_std_us = 0;
  double g_read_mean_us = 0;  ///< drifted conductance plus read noise (what a read returns)
  double g_read_std_us = 0;
  double read_noise_std_us = 0;  ///< std of the read noise alone at t
  double expected_prog_noise_std_us = 0;
  double expected_nu_mean = 0;  ///< mean of |N(mu, sigma)| (folded normal), times drift_scale
  double expected_nu_std = 0;
  double expected_read_noise_std_us = 0;  ///< RMS over the devices of |G(t)| Q_s(g_prog) sqrt(ln(...))
};

/// n devices programmed to g * g_max and read at t_s seconds; streams keyed by seed.
InferenceDeviceStats characterise_inference_device(const InferenceDeviceModel& model, double g, double t_s,
                                                   std::size_t samples, std::uint64_t seed);

struct PulsedDeviceStats {
  double g = 0;  ///< normalised state: w = w_min + g (w_max - w_min)
  double w = 0;
  double dw_up_mean = 0;  ///< change of one up pulse at state w (d2d and c2c variation included)
  double dw_up_std = 0;
  double dw_down_mean = 0;  ///< magnitude of the change of one down pulse at state w
  double dw_down_std = 0;
  double symmetry_point = 0;  ///< mean over devices
  double symmetry_point_std = 0;
};

PulsedDeviceStats characterise_pulsed_device(const PulsedDeviceModel& model, double g, std::size_t samples,
                                             std::uint64_t seed);

}  // namespace imcsim::hw
