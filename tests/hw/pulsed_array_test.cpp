// Acceptance: the pulsed update of a 256 x 256 array matches the expected outer product in the mean; with the
// reference set to the symmetry point, alternating pulses leave effective weights near zero.

#include "hw/pulsed_array.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "test_util.h"

namespace imcsim::hw {
namespace {

PulsedDeviceConfig linear_device() {
  PulsedDeviceConfig c;
  c.model = "constant-step";
  c.dw_min = 0.001f;
  c.w_max = 100.0f;
  c.w_min = -100.0f;
  return c;
}

/// Least-squares slope of `measured` on `expected` (through the origin) and the correlation.
std::pair<double, double> slope_and_correlation(const WeightMatrix& measured, const WeightMatrix& expected) {
  const double xy = (measured.array() * expected.array()).sum();
  const double xx = expected.squaredNorm();
  const double yy = measured.squaredNorm();
  return {xy / xx, xy / std::sqrt(xx * yy)};
}

void check_mean_outer_product(bool update_management) {
  const auto device = make_pulsed_device(linear_device());
  constexpr int n = 256;
  constexpr int repeats = 40;
  PulsedArray array(*device, n, n, 21, 0);
  const BatchMatrix x1 = test::uniform_batch(1, n, -1.0f, 1.0f, 30);
  const BatchMatrix d1 = test::uniform_batch(1, n, -1.0f, 1.0f, 31);
  // The same pair repeated: each row is an independent stochastic update of the same expected size.
  const BatchMatrix x = x1.replicate(repeats, 1);
  const BatchMatrix d = d1.replicate(repeats, 1);
  const float lr = 0.01f;
  PulseUpdateConfig config;
  config.update_management = update_management;
  array.update(x, d, lr, config, 0);
  const WeightMatrix mean_update = array.weights() / static_cast<float>(repeats);
  const WeightMatrix expected = -lr * x1.transpose() * d1;
  const auto [slope, correlation] = slope_and_correlation(mean_update, expected);
  ::testing::Test::RecordProperty("slope", std::to_string(slope));
  ::testing::Test::RecordProperty("correlation", std::to_string(correlation));
  EXPECT_NEAR(slope, 1.0, 0.02) << "management " << update_management;
  EXPECT_GT(correlation, 0.9);
  // Signs of the mean update follow -sign(x d) where the expected change is well above the noise.
  int wrong = 0, strong = 0;
  for (Eigen::Index i = 0; i < expected.size(); ++i) {
    if (std::fabs(expected.data()[i]) > 0.5f * lr) {
      ++strong;
      wrong += (mean_update.data()[i] > 0) != (expected.data()[i] > 0);
    }
  }
  EXPECT_GT(strong, 5000);
  EXPECT_LT(wrong, strong / 1000 + 1);
}

TEST(PulsedArray, StochasticUpdateMatchesOuterProductInTheMean) { check_mean_outer_product(true); }

TEST(PulsedArray, StochasticUpdateWithoutManagementMatchesInTheMean) { check_mean_outer_product(false); }

TEST(PulsedArray, UpdateIsDeterministicPerIndex) {
  const auto device = make_pulsed_device(linear_device());
  PulsedArray a(*device, 32, 16, 5, 1), b(*device, 32, 16, 5, 1);
  const BatchMatrix x = test::uniform_batch(4, 32, -1.0f, 1.0f, 40);
  const BatchMatrix d = test::uniform_batch(4, 16, -1.0f, 1.0f, 41);
  a.update(x, d, 0.05f, {}, 7);
  b.update(x, d, 0.05f, {}, 7);
  EXPECT_EQ(a.weights(), b.weights());
  PulsedArray c(*device, 32, 16, 5, 1);
  c.update(x, d, 0.05f, {}, 8);
  EXPECT_NE(a.weights(), c.weights());
}

TEST(PulsedArray, ReferenceAtSymmetryPointCancelsRestState) {
  PulsedDeviceConfig c;
  c.model = "soft-bounds";
  c.dw_min = 0.02f;
  c.up_down = 0.2f;
  c.up_down_dtod = 0.1f;
  c.dw_min_dtod = 0.2f;
  const auto device = make_pulsed_device(c);
  PulsedArray array(*device, 16, 16, 3, 0);
  array.set_reference_to_symmetry_point();
  // Drive every device with alternating pulses: each settles at its own symmetry point.
  std::uint64_t pulse_id = 0;
  for (int k = 0; k < 2000; ++k) {
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 16; ++j) array.pulse(i, j, (k % 2) ? -1 : +1, pulse_id++);
    }
  }
  const WeightMatrix w_eff = array.effective_weights();
  EXPECT_LT(w_eff.cwiseAbs().maxCoeff(), 0.02f);
  EXPECT_GT(array.reference().cwiseAbs().maxCoeff(), 0.05f);  // the symmetry points really differ from zero
}

TEST(PulsedArray, RejectsMismatchedShapes) {
  const auto device = make_pulsed_device(linear_device());
  PulsedArray array(*device, 8, 4, 1, 0);
  EXPECT_THROW(array.update(BatchMatrix::Ones(1, 4), BatchMatrix::Ones(1, 4), 0.1f, {}, 0), ParameterError);
  EXPECT_THROW(array.set_weights(WeightMatrix::Zero(4, 4)), ParameterError);
  PulseUpdateConfig bad;
  bad.pulse_length = 0;
  EXPECT_THROW(array.update(BatchMatrix::Ones(1, 8), BatchMatrix::Ones(1, 4), 0.1f, bad, 0), ParameterError);
}

}  // namespace
}  // namespace imcsim::hw
