#include "hw/crossbar.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/errors.h"
#include "test_util.h"

namespace imcsim::hw {
namespace {

CrossbarConfig fine_config(int rows, int cols) {
  CrossbarConfig c;
  c.rows = rows;
  c.cols = cols;
  c.dac.bits = 16;
  c.adc.bits = 16;
  c.adc.output_range = 64.0f;
  return c;
}

TEST(Crossbar, NoiselessReadIsTheProductUpToQuantisation) {
  const CrossbarConfig c = fine_config(128, 64);
  Crossbar xbar(c, 1, 0);
  const WeightMatrix u = test::normal_weights(128, 64, 0.3f, 1).cwiseMax(-1.0f).cwiseMin(1.0f);
  const Vector scales = Vector::LinSpaced(64, 0.25f, 1.0f);  // backward inputs d * s stay in the DAC range
  xbar.set_weights(u, scales);
  const BatchMatrix x = test::uniform_batch(16, 128, -1.0f, 1.0f, 2);
  WeightMatrix w = u;
  w.array().rowwise() *= scales.transpose().array();
  const BatchMatrix exact = x * w;
  EXPECT_LT((xbar.forward(x, {}) - exact).cwiseAbs().maxCoeff(), 0.01f);
  const BatchMatrix d = test::uniform_batch(16, 64, -1.0f, 1.0f, 3);
  const BatchMatrix exact_back = d * w.transpose();
  EXPECT_LT((xbar.backward(d, {}) - exact_back).cwiseAbs().maxCoeff(), 0.01f);
}

TEST(Crossbar, BlockSmallerThanArrayIsAllowedLargerIsNot) {
  Crossbar xbar(fine_config(8, 8), 1, 0);
  EXPECT_NO_THROW(xbar.set_weights(WeightMatrix::Zero(4, 3), Vector::Ones(3)));
  EXPECT_THROW(xbar.set_weights(WeightMatrix::Zero(9, 3), Vector::Ones(3)), ParameterError);
  EXPECT_THROW(xbar.set_weights(WeightMatrix::Zero(4, 3), Vector::Ones(2)), ParameterError);
  EXPECT_THROW(xbar.forward(BatchMatrix::Zero(1, 5), {}), ParameterError);
}

TEST(Crossbar, OutputNoiseHasItsStd) {
  CrossbarConfig c = fine_config(64, 64);
  c.output_noise_std = 0.1f;
  Crossbar xbar(c, 2, 0);
  xbar.set_weights(WeightMatrix::Zero(64, 64), Vector::Ones(64));
  const BatchMatrix y = xbar.forward(test::uniform_batch(500, 64, -1.0f, 1.0f, 4), {});
  const double std = std::sqrt(y.array().square().mean());
  EXPECT_NEAR(std, 0.1, 0.002);
}

TEST(Crossbar, PcmReadNoiseScalesWithCurrent) {
  CrossbarConfig c = fine_config(256, 32);
  c.pcm_read_noise = 0.05f;
  Crossbar xbar(c, 3, 0);
  const WeightMatrix u = test::normal_weights(256, 32, 0.3f, 5).cwiseMax(-1.0f).cwiseMin(1.0f);
  xbar.set_weights(u, Vector::Ones(32));
  const BatchMatrix x = test::uniform_batch(2000, 256, -1.0f, 1.0f, 6);
  const BatchMatrix z = (xbar.forward(x, {}) - x * u).array() / (0.05f * (x.cwiseAbs2() * u.cwiseAbs()).array().sqrt());
  // Normalised by its predicted std, the noise is standard normal.
  EXPECT_NEAR(z.mean(), 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(z.array().square().mean()), 1.0, 0.02);
}

TEST(Crossbar, NoiseDependsOnImageNotOnBatching) {
  CrossbarConfig c = fine_config(64, 16);
  c.output_noise_std = 0.05f;
  c.pcm_read_noise = 0.02f;
  c.adc.noise_std_lsb = 1.0f;
  c.dac.stochastic_rounding = true;
  Crossbar xbar(c, 4, 3);
  xbar.set_weights(test::normal_weights(64, 16, 0.3f, 7).cwiseMax(-1.0f).cwiseMin(1.0f), Vector::Ones(16));
  const BatchMatrix x = test::uniform_batch(10, 64, -1.0f, 1.0f, 8);
  const BatchMatrix whole = xbar.forward(x, ReadId{5, 100});
  const BatchMatrix tail = xbar.forward(x.bottomRows(4), ReadId{5, 106});
  EXPECT_EQ(BatchMatrix(whole.bottomRows(4)), tail);
  BatchMatrix from_thread;
  std::thread worker([&] { from_thread = xbar.forward(x, ReadId{5, 100}); });
  worker.join();
  EXPECT_EQ(whole, from_thread);
  EXPECT_NE(whole, xbar.forward(x, ReadId{6, 100}));  // another pass draws new noise
}

TEST(Crossbar, AbsMaxScalingUsesTheFullDacRangeForSmallInputs) {
  CrossbarConfig c = fine_config(64, 8);
  c.dac.bits = 5;
  Crossbar fixed(c, 5, 0);
  c.input_scaling = InputScaling::abs_max;
  Crossbar scaled(c, 5, 0);
  const WeightMatrix u = test::normal_weights(64, 8, 0.3f, 9).cwiseMax(-1.0f).cwiseMin(1.0f);
  fixed.set_weights(u, Vector::Ones(8));
  scaled.set_weights(u, Vector::Ones(8));
  const BatchMatrix x = test::uniform_batch(50, 64, -0.05f, 0.05f, 10);
  const BatchMatrix exact = x * u;
  const double fixed_error = (fixed.forward(x, {}) - exact).norm() / exact.norm();
  const double scaled_error = (scaled.forward(x, {}) - exact).norm() / exact.norm();
  EXPECT_LT(scaled_error, 0.1 * fixed_error);
}

TEST(Crossbar, InvalidConfigNamesTheParameter) {
  EXPECT_THROW(input_scaling_names().parse("sometimes", "noise.input_scaling", "input scaling"), ParameterError);
  CrossbarConfig c;
  c.output_noise_std = -0.1f;
  try {
    Crossbar xbar(c, 1, 0);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "crossbar.output_noise_std");
  }
}

}  // namespace
}  // namespace imcsim::hw
