// Acceptance: the pulsed update of a 256 x 256 array matches the expected outer product in the mean; with the
// reference set to the symmetry point, alternating pulses leave effective weights near zero.

#include "hw/pulsed_array.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

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

/// Repeats one random pair (x, d uniform in [-1, 1], 256 x 256, lr 0.01) 40 times and checks that the mean
/// change is the outer product; returns the counts of the update.
PulseUpdateCounts check_mean_outer_product(const PulseUpdateConfig& config) {
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
  const PulseUpdateCounts counts = array.update(x, d, lr, config, 0);
  const WeightMatrix mean_update = array.weights() / static_cast<float>(repeats);
  const WeightMatrix expected = -lr * x1.transpose() * d1;
  const auto [slope, correlation] = slope_and_correlation(mean_update, expected);
  ::testing::Test::RecordProperty("slope", std::to_string(slope));
  ::testing::Test::RecordProperty("correlation", std::to_string(correlation));
  EXPECT_NEAR(slope, 1.0, 0.02) << "management " << config.update_management << " bl " << config.bl_management;
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
  return counts;
}

PulseUpdateConfig management(bool update_management, bool bl_management) {
  PulseUpdateConfig config;
  config.update_management = update_management;
  config.bl_management = bl_management;
  return config;
}

TEST(PulsedArray, StochasticUpdateMatchesOuterProductInTheMean) {
  EXPECT_EQ(check_mean_outer_product(management(true, false)).slots, 40u * 31u);
}

TEST(PulsedArray, StochasticUpdateWithoutManagementMatchesInTheMean) {
  check_mean_outer_product(management(false, false));
}

TEST(PulsedArray, BlManagementShortensTheTrainAndKeepsTheMean) {
  const BatchMatrix x1 = test::uniform_batch(1, 256, -1.0f, 1.0f, 30);
  const BatchMatrix d1 = test::uniform_batch(1, 256, -1.0f, 1.0f, 31);
  // lr x_max d_max / dw_min is just under 10 for these vectors: 10 slots instead of 31.
  const double needed = std::ceil(0.01 * x1.cwiseAbs().maxCoeff() * d1.cwiseAbs().maxCoeff() / 0.001);
  ASSERT_EQ(needed, 10.0);
  for (const bool update_management : {true, false}) {
    const PulseUpdateCounts counts = check_mean_outer_product(management(update_management, true));
    EXPECT_EQ(counts.slots, 40u * 10u);
  }
}

TEST(PulsedArray, BlManagementKeepsAtLeastOneAndAtMostBlSlots) {
  const auto device = make_pulsed_device(linear_device());
  PulsedArray array(*device, 8, 8, 2, 0);
  const BatchMatrix x = BatchMatrix::Constant(3, 8, 0.5f);
  const BatchMatrix d = BatchMatrix::Constant(3, 8, 0.5f);
  const PulseUpdateConfig config = management(true, true);
  EXPECT_EQ(array.update(x, d, 1e-6f, config, 0).slots, 3u);        // ceil(0.00025) = 1
  EXPECT_EQ(array.update(x, d, 0.03f, config, 1).slots, 3u * 8u);   // ceil(7.5) = 8
  EXPECT_EQ(array.update(x, d, 10.0f, config, 2).slots, 3u * 31u);  // ceil(2500) capped at BL
  const BatchMatrix zero_x = BatchMatrix::Zero(3, 8);
  EXPECT_EQ(array.update(zero_x, d, 0.03f, config, 3).slots, 0u);  // nothing to update: skipped
}

TEST(PulsedArray, CountsAreTheFiringsAndThePulsesApplied) {
  // All x > 0 and d > 0: every pulse is down by exactly dw_min, so the total change counts the coincidences.
  const auto device = make_pulsed_device(linear_device());
  constexpr int n_rows = 200, n_cols = 120, batch = 5;
  PulsedArray array(*device, n_rows, n_cols, 4, 0);
  const BatchMatrix x = test::uniform_batch(batch, n_rows, 0.0f, 1.0f, 50);
  const BatchMatrix d = test::uniform_batch(batch, n_cols, 0.0f, 0.03f, 51);
  const float lr = 0.01f;
  const PulseUpdateConfig config;
  const PulseUpdateCounts counts = array.update(x, d, lr, config, 0);
  EXPECT_NEAR(array.weights().cast<double>().sum(), -0.001 * static_cast<double>(counts.coincidences),
              1e-6 * static_cast<double>(counts.coincidences));
  // Expectations of the scheme (update management, nothing clips for these vectors).
  double rows_expected = 0, cols_expected = 0, pulses_expected = 0;
  for (int b = 0; b < batch; ++b) {
    const double k = lr / (config.pulse_length * 0.001);
    const double x_max = x.row(b).maxCoeff(), d_max = d.row(b).maxCoeff();
    const double sum_p = std::sqrt(k * d_max / x_max) * x.row(b).cast<double>().sum();
    const double sum_q = std::sqrt(k * x_max / d_max) * d.row(b).cast<double>().sum();
    rows_expected += config.pulse_length * sum_p;
    cols_expected += config.pulse_length * sum_q;
    pulses_expected += config.pulse_length * sum_p * sum_q;
  }
  EXPECT_EQ(counts.slots, static_cast<std::uint64_t>(batch * config.pulse_length));
  EXPECT_NEAR(static_cast<double>(counts.row_pulses), rows_expected, 5 * std::sqrt(rows_expected));
  EXPECT_NEAR(static_cast<double>(counts.column_pulses), cols_expected, 5 * std::sqrt(cols_expected));
  // Coincidences vary more than Poisson (a firing row meets all firing columns of its slot).
  EXPECT_NEAR(static_cast<double>(counts.coincidences), pulses_expected, 0.15 * pulses_expected);
}

TEST(PulsedArray, FiringProbabilitiesAreExact) {
  // lr = BL dw_min and no management: k = 1, so row i fires with p_i = x_i and column j with q_j = d_j, over
  // the whole range [0, 1]. The rows' p = (i + 0.99) / 256 sit just below a multiple of 1/256, so the ties of
  // the 8-bit fast path (probability 1/256) nearly always fire: dropping them, or any rule off by 1/256 for
  // half the rows, moves the row total by more than 8 standard deviations.
  const auto device = make_pulsed_device(linear_device());
  constexpr int n_rows = 256, n_cols = 64, batch = 400;
  PulsedArray array(*device, n_rows, n_cols, 9, 0);
  BatchMatrix x(batch, n_rows), d(batch, n_cols);
  for (int i = 0; i < n_rows; ++i) x.col(i).setConstant((i + 0.99f) / n_rows);
  for (int j = 0; j < n_cols; ++j) d.col(j).setConstant((j + 0.5f) / n_cols);
  const PulseUpdateCounts counts = array.update(x, d, 31 * 0.001f, management(false, false), 0);
  const double trains = 31.0 * batch;
  const auto check = [&](double measured, const Eigen::VectorXd& p, const char* what) {
    const double expected = trains * p.sum();
    const double spread = std::sqrt(trains * (p.array() * (1 - p.array())).sum());
    EXPECT_NEAR(measured, expected, 5 * spread) << what;
  };
  check(static_cast<double>(counts.row_pulses), x.row(0).transpose().cast<double>(), "rows");
  check(static_cast<double>(counts.column_pulses), d.row(0).transpose().cast<double>(), "columns");
  const double pulses_expected = trains * x.row(0).cast<double>().sum() * d.row(0).cast<double>().sum();
  EXPECT_NEAR(static_cast<double>(counts.coincidences), pulses_expected, 0.01 * pulses_expected);
}

TEST(PulsedArray, CycleNoiseIsOneIndependentDrawPerCoincidence) {
  // Probabilities clip at 1 (lr 1): every device gets 31 down pulses per pair. After n pulses of size
  // dw_min (1 + s xi) a device has moved n dw_min + s dw_min sqrt(n) z, z ~ N(0, 1) when every pulse has its
  // own draw; a draw shared by the pulses of one device would give s dw_min n z, one shared by devices would
  // correlate neighbours.
  PulsedDeviceConfig c = linear_device();
  c.dw_min_std = 0.3f;
  const auto device = make_pulsed_device(c);
  constexpr int n = 64, batch = 10;
  PulsedArray array(*device, n, n, 8, 0);
  const PulseUpdateCounts counts =
      array.update(BatchMatrix::Ones(batch, n), BatchMatrix::Ones(batch, n), 1.0f, PulseUpdateConfig{}, 3);
  const double pulses = batch * 31.0;
  ASSERT_EQ(counts.coincidences, static_cast<std::uint64_t>(pulses) * n * n);
  ASSERT_EQ(counts.row_pulses, static_cast<std::uint64_t>(pulses) * n);
  ASSERT_EQ(counts.column_pulses, static_cast<std::uint64_t>(pulses) * n);
  const Eigen::MatrixXd z =
      (array.weights().cast<double>().array() + pulses * 0.001) / (0.001 * std::sqrt(pulses)) * -1.0;
  const double mean = z.mean();
  const double spread = std::sqrt((z.array() - mean).square().mean());
  std::cout << "c2c spread per pulse " << spread << " (dw_min_std 0.3), mean " << mean << "\n";
  EXPECT_NEAR(spread, 0.3, 0.02);
  EXPECT_NEAR(mean, 0.0, 0.02);
  const Eigen::MatrixXd centred = z.array() - mean;
  const auto correlation = [&](const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
    return (a.array() * b.array()).mean() / (spread * spread);
  };
  EXPECT_LT(std::fabs(correlation(centred.topRows(n - 1), centred.bottomRows(n - 1))), 0.06);
  EXPECT_LT(std::fabs(correlation(centred.leftCols(n - 1), centred.rightCols(n - 1))), 0.06);
}

TEST(PulsedArray, UpdateIsBitIdenticalForAnyThreadCount) {
  PulsedDeviceConfig c;
  c.dw_min = 0.01f;
  c.up_down = 0.1f;
  c.dw_min_dtod = 0.3f;
  c.up_down_dtod = 0.2f;
  c.w_bounds_dtod = 0.2f;
  c.dw_min_std = 0.3f;
  const auto device = make_pulsed_device(c);
  const BatchMatrix x = test::uniform_batch(6, 48, -1.0f, 1.0f, 60);
  const BatchMatrix d = test::uniform_batch(6, 101, -0.1f, 0.1f, 61);
  PulsedArray reference(*device, 48, 101, 6, 2);
  const PulseUpdateCounts expected = reference.update(x, d, 0.5f, {}, 9, 1);
  ASSERT_GT(expected.coincidences, 1000u);
  for (const int threads : {2, 3, 7}) {
    PulsedArray array(*device, 48, 101, 6, 2);
    const PulseUpdateCounts counts = array.update(x, d, 0.5f, {}, 9, threads);
    EXPECT_EQ(array.weights(), reference.weights()) << threads << " threads";
    EXPECT_EQ(counts.slots, expected.slots);
    EXPECT_EQ(counts.row_pulses, expected.row_pulses);
    EXPECT_EQ(counts.column_pulses, expected.column_pulses);
    EXPECT_EQ(counts.coincidences, expected.coincidences);
  }
}

TEST(PulsedArray, DrawsOfAPairDependOnlyOnItsPosition) {
  // Pair b's draws sit at b's positions whatever the other pairs did: with state-independent steps, updating
  // pairs 0..3 together equals updating pairs 0, 1 alone plus pairs 2, 3 behind two skipped (zero) pairs.
  const auto device = make_pulsed_device(linear_device());
  const BatchMatrix x = test::uniform_batch(4, 16, -1.0f, 1.0f, 70);
  const BatchMatrix d = test::uniform_batch(4, 16, -1.0f, 1.0f, 71);
  PulsedArray whole(*device, 16, 16, 1, 0), head(*device, 16, 16, 1, 0), tail(*device, 16, 16, 1, 0);
  BatchMatrix x_tail = x;
  x_tail.topRows(2).setZero();
  head.update(x.topRows(2), d.topRows(2), 0.05f, {}, 0);
  tail.update(x_tail, d, 0.05f, {}, 0);
  whole.update(x, d, 0.05f, {}, 0);
  ASSERT_GT(tail.weights().cwiseAbs().maxCoeff(), 0.0f);
  EXPECT_LT((whole.weights() - head.weights() - tail.weights()).cwiseAbs().maxCoeff(), 1e-6f);
}

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
