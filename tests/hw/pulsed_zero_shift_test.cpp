// Zero-shifting by pulsing (PulsedArray::zero_shift): alternating pulses find each device's symmetry point, the
// reference is programmed there, and cycle-to-cycle noise spreads the found points by a measured amount.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <vector>

#include "base/errors.h"
#include "hw/pulsed_array.h"

namespace imcsim::hw {
namespace {

/// The soft-bounds device of the zero-shifting experiments, d2d spreads 0.3 so every device has its own point.
PulsedDeviceConfig soft_bounds_device(float c2c) {
  PulsedDeviceConfig c = aihwkit_soft_bounds();
  c.up_down = 0.176f;
  c.up_down_dtod = 0.3f;
  c.dw_min_std = c2c;
  return c;
}

ZeroShiftConfig pairs(int pulse_pairs, float reference_std = 0.0f) {
  ZeroShiftConfig z;
  z.pulse_pairs = pulse_pairs;
  z.reference_programming_std = reference_std;
  return z;
}

/// |found - w*| in units of dw_min, sorted.
std::vector<double> sorted_errors(const WeightMatrix& found, const WeightMatrix& analytic) {
  std::vector<double> e(static_cast<std::size_t>(found.size()));
  for (Eigen::Index k = 0; k < found.size(); ++k)
    e[static_cast<std::size_t>(k)] = std::fabs(found.data()[k] - analytic.data()[k]) / 0.001;
  std::sort(e.begin(), e.end());
  return e;
}

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

TEST(ZeroShift, WithoutCycleNoiseEveryDeviceFindsItsSymmetryPoint) {
  // Alternating pulses leave a device within about one of its own steps (at w*) of w*, once they have closed the
  // distance from the start (0): soft bounds contract it by exp(-(a+ / b_max + a- / |b_min|)) per pair. 2000
  // pairs suffice for the nominal device (0.1 dw_min left), not for every device with d2d spreads of 0.3.
  const auto device = make_pulsed_device(soft_bounds_device(0.0f));
  constexpr int pulse_pairs = 2000;
  PulsedArray array(*device, 64, 64, 11, 0);
  const WeightMatrix analytic = array.symmetry_points();
  const double mean = analytic.mean();
  EXPECT_GT(std::sqrt((analytic.array() - mean).square().mean()), 0.05);  // the points really differ
  const WeightMatrix found = array.zero_shift(pairs(pulse_pairs), 2);
  int converged = 0, converged_within = 0, within = 0;
  for (int j = 0; j < 64; ++j) {
    for (int i = 0; i < 64; ++i) {
      const PulsedDeviceParams& p = array.device(i, j);
      const double w_star = analytic(i, j);
      const double step =
          std::max(device->step_up(p, static_cast<float>(w_star)), device->step_down(p, static_cast<float>(w_star)));
      const double left = std::fabs(w_star) * std::exp(-(p.a_up / p.b_max - p.a_down / p.b_min) * pulse_pairs);
      const double error = std::fabs(found(i, j) - w_star);
      EXPECT_LE(error, std::max(0.001, step) + 1.5 * left) << "device (" << i << ", " << j << ")";
      within += error <= 0.001;
      if (left < 1e-4 && step <= 0.001) {
        ++converged;
        converged_within += error <= 0.001;
      }
    }
  }
  std::cout << "zero-shift without c2c, d2d 0.3, " << pulse_pairs << " pairs: " << within
            << " of 4096 devices within one dw_min; of the " << converged << " converged ones with steps up to dw_min, "
            << converged_within << "\n";
  EXPECT_GT(converged, 500);
  EXPECT_EQ(converged_within, converged);
  EXPECT_EQ(array.reference(), found);
  // The devices stay after their last down pulse, half a step below the found point (the mean of the two states).
  EXPECT_LE(array.effective_weights().maxCoeff(), 0.0f);
  EXPECT_GT(array.effective_weights().minCoeff(), -0.002f);
}

TEST(ZeroShift, CycleNoiseSpreadsTheFoundPoints) {
  // The numbers of the zero-shifting note: 256 x 256, d2d 0.3, c2c 0.3, error of the found points in dw_min.
  const auto device = make_pulsed_device(soft_bounds_device(0.3f));
  std::vector<double> medians;
  for (const int pulse_pairs : {500, 1000, 2000, 4000}) {
    PulsedArray array(*device, 256, 256, 12, 0);
    const std::vector<double> errors = sorted_errors(array.zero_shift(pairs(pulse_pairs), 2), array.symmetry_points());
    medians.push_back(quantile(errors, 0.5));
    std::cout << "zero-shift 256x256, d2d 0.3, c2c 0.3, " << pulse_pairs << " pairs: median " << quantile(errors, 0.5)
              << ", 95th percentile " << quantile(errors, 0.95) << " dw_min\n";
  }
  // 2000 pairs: converged; what is left is the random walk of the c2c noise, a few dw_min.
  EXPECT_GT(medians[2], 1.0);
  EXPECT_LT(medians[2], 10.0);
  // 500 pairs leave the slower devices short of their points.
  EXPECT_GT(medians[0], medians[2]);
}

TEST(ZeroShift, ReferenceCarriesItsProgrammingError) {
  const auto device = make_pulsed_device(soft_bounds_device(0.3f));
  PulsedArray array(*device, 128, 128, 13, 1);
  const WeightMatrix found = array.zero_shift(pairs(200, 0.01f));
  const WeightMatrix error = array.reference() - found;
  const double mean = error.cast<double>().mean();
  const double spread = std::sqrt((error.cast<double>().array() - mean).square().mean());
  EXPECT_NEAR(spread, 0.01, 0.0005);
  EXPECT_NEAR(mean, 0.0, 0.0002);
  // The devices stay after their last down pulse, about half a step below the found point (a c2c draw below
  // -1 / 0.3 turns a step round).
  const WeightMatrix below = array.weights() - found;
  EXPECT_LT(below.maxCoeff(), 0.001f);
  EXPECT_GT(below.minCoeff(), -0.004f);
  EXPECT_LT(below.mean(), 0.0f);
}

TEST(ZeroShift, IsBitIdenticalForAnyThreadCount) {
  const auto device = make_pulsed_device(soft_bounds_device(0.3f));
  PulsedArray a(*device, 40, 30, 14, 0), b(*device, 40, 30, 14, 0);
  const WeightMatrix one = a.zero_shift(pairs(300, 0.01f), 1);
  EXPECT_EQ(b.zero_shift(pairs(300, 0.01f), 3), one);
  EXPECT_EQ(a.reference(), b.reference());
}

TEST(ZeroShift, RejectsBadSettings) {
  const auto device = make_pulsed_device(soft_bounds_device(0.0f));
  PulsedArray array(*device, 4, 4, 1, 0);
  EXPECT_THROW(array.zero_shift(pairs(-1)), ParameterError);
  EXPECT_THROW(array.zero_shift(pairs(10, -0.1f)), ParameterError);
  EXPECT_THROW(array.zero_shift(pairs(10), 0), ParameterError);
}

}  // namespace
}  // namespace imcsim::hw
