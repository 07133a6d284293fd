#pragma once
// Device characterisation: the statistics of many devices of one model programmed to one state, as an
// architect measures them on test structures. Each statistic is computed from the simulated devices; the
// `expected_*` fields are the model's formulas evaluated on the same devices, for comparison. Pulsed devices
// also have the convergence of zero-shifting by pulsing against their analytic symmetry points.

#include <cstddef>
#include <cstdint>

#include "base/random.h"
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

/// Rows of the array characterise_zero_shift pulses (fewer when there are fewer samples).
inline constexpr int zero_shift_rows = 256;
/// The most pulse pairs characterise_zero_shift takes: the c2c draws of a column of zero_shift_rows devices
/// fill one random stream (PulsedArray::zero_shift).
inline constexpr std::uint64_t max_zero_shift_pulse_pairs = RandomStream::capacity / (2 * zero_shift_rows);

/// How close zero-shifting by pulsing gets to the analytic symmetry points. The error of a device is
/// |found - analytic|. A device whose d2d draw left it no step (a+ = a- = 0) never moves and has no symmetry
/// point (every state is one): it is counted in immobile_devices and left out of every other statistic (NaN
/// when no device is left). Quantiles are the sorted errors at index floor(q (n - 1)).
struct ZeroShiftStats {
  std::size_t devices = 0;  ///< devices zero-shifted, immobile ones included
  int pulse_pairs = 0;
  std::size_t immobile_devices = 0;
  double within_one_dw_min = 0;    ///< fraction of the devices with an error of at most the nominal dw_min
  double error_median_dw_min = 0;  ///< in units of the nominal dw_min
  double error_p95_dw_min = 0;
  double error_max_dw_min = 0;
  double within_one_own_step = 0;     ///< fraction with an error of at most the device's own step
  double error_median_own_steps = 0;  ///< in units of each device's own step (a+ + a-) / 2, its d2d-varied dw_min
  double error_p95_own_steps = 0;
  double analytic_abs_mean = 0;  ///< mean |w*|, how far the points lie from the devices' start at 0
};

/// Zero-shifts `samples` devices of `model` by pulsing (PulsedArray::zero_shift, pulse_pairs up/down pairs from
/// state 0, no reference programming error) and compares each found point with its device's analytic one
/// (PulsedArray::symmetry_points, d2d variation included). The devices are the first `samples`, column-major, of
/// an array of min(samples, zero_shift_rows) rows and as many columns as they need (array id 0, its device
/// parameters and c2c draws keyed by `seed`): from zero_shift_rows samples on, more samples add devices to the
/// same ones. Requires 1 <= pulse_pairs <= max_zero_shift_pulse_pairs and 2 <= samples <= zero_shift_rows 2^16.
/// Up to `threads` threads pulse disjoint columns: the stats are identical for any thread count.
ZeroShiftStats characterise_zero_shift(const PulsedDeviceModel& model, int pulse_pairs, std::size_t samples,
                                       std::uint64_t seed, int threads);

}  // namespace imcsim::hw
