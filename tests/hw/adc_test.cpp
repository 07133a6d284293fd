// Acceptance: ADC quantisation and clipping are exact; mismatch is removed by the one-time calibration.

#include "hw/periphery/adc.h"

#include <gtest/gtest.h>

#include "base/errors.h"

namespace imcsim::hw {
namespace {

const RandomStream mismatch({1, RandomPurpose::adc_mismatch, 0, 0});
const RandomStream noise({1, RandomPurpose::adc_noise, 0, 0});

TEST(Adc, IdealCodesAreExactAndClip) {
  AdcConfig c;
  c.bits = 4;             // codes -7..7
  c.output_range = 3.5f;  // lsb 0.5
  Adc adc(c, 8, mismatch);
  adc.calibrate();
  EXPECT_FLOAT_EQ(adc.lsb(), 0.5f);
  BatchMatrix y(1, 8);
  y << 0.0f, 0.24f, 0.26f, -1.26f, 3.5f, 3.8f, -100.0f, 1.75f;
  adc.convert(y, noise, {});
  EXPECT_FLOAT_EQ(y(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(y(0, 1), 0.0f);
  EXPECT_FLOAT_EQ(y(0, 2), 0.5f);
  EXPECT_FLOAT_EQ(y(0, 3), -1.5f);
  EXPECT_FLOAT_EQ(y(0, 4), 3.5f);
  EXPECT_FLOAT_EQ(y(0, 5), 3.5f);   // clipped at the top code
  EXPECT_FLOAT_EQ(y(0, 6), -3.5f);  // clipped at the bottom code
  EXPECT_FLOAT_EQ(y(0, 7), 2.0f);   // 3.5 LSB rounds away from zero
}

TEST(Adc, EveryCodeRoundTrips) {
  AdcConfig c;
  c.bits = 8;
  c.output_range = 12.0f;
  Adc adc(c, 255, mismatch);
  BatchMatrix y(1, 255);
  for (int k = -127; k <= 127; ++k) y(0, k + 127) = static_cast<float>(k) * adc.lsb();
  const BatchMatrix before = y;
  adc.convert(y, noise, {});
  EXPECT_EQ(y, before);
}

TEST(Adc, ConversionNoiseHasItsStd) {
  AdcConfig c;
  c.bits = 12;
  c.output_range = 10.0f;
  c.noise_std_lsb = 3.0f;
  Adc adc(c, 256, mismatch);
  BatchMatrix y = BatchMatrix::Constant(400, 256, 1.2345f);
  adc.convert(y, noise, {});
  const double mean = y.mean();
  const double std = std::sqrt((y.array() - mean).square().mean());
  EXPECT_NEAR(mean, 1.2345, 0.01 * adc.lsb() + 1e-4);
  // Noise plus quantisation: sqrt(3^2 + 1/12) LSB.
  EXPECT_NEAR(std / adc.lsb(), std::sqrt(9.0 + 1.0 / 12), 0.05);
}

TEST(Adc, CalibrationRemovesGainAndOffsetMismatch) {
  AdcConfig c;
  c.bits = 8;
  c.output_range = 10.0f;
  c.gain_error_std = 0.05f;
  c.offset_error_std_lsb = 3.0f;
  c.calibrate = false;
  Adc raw(c, 64, mismatch);
  c.calibrate = true;
  Adc calibrated(c, 64, mismatch);
  calibrated.calibrate();
  BatchMatrix ramp(101, 64);
  for (int k = 0; k <= 100; ++k) ramp.row(k).setConstant(-8.0f + 0.16f * static_cast<float>(k));
  BatchMatrix a = ramp, b = ramp;
  raw.convert(a, noise, {});
  calibrated.convert(b, noise, {});
  const float raw_error = (a - ramp).cwiseAbs().maxCoeff() / raw.lsb();
  const float cal_error = (b - ramp).cwiseAbs().maxCoeff() / calibrated.lsb();
  EXPECT_GT(raw_error, 4.0f);
  EXPECT_LT(cal_error, 1.5f);  // quantisation (0.5 LSB) plus the rounding of the fit
}

TEST(Adc, NonlinearityRemainsAfterAffineCalibration) {
  AdcConfig c;
  c.bits = 10;
  c.output_range = 1.0f;
  c.nonlinearity_lsb = 8.0f;
  Adc adc(c, 1, mismatch);
  adc.calibrate();
  // The affine fit over [-0.9, 0.9] absorbs the linear part of the cubic (slope 3/5 * 0.81); near the top
  // of the range 8 * (u^3 - 0.486 u) = 3.2 LSB of curvature remain at u = 0.95.
  BatchMatrix y = BatchMatrix::Constant(1, 1, 0.95f);
  adc.convert(y, noise, {});
  const float error_lsb = std::fabs(y(0, 0) - 0.95f) / adc.lsb();
  EXPECT_GT(error_lsb, 2.0f);
  EXPECT_LT(error_lsb, 4.5f);
}

TEST(Adc, InvalidConfigNamesTheParameter) {
  for (const int bits : {0, 17}) {
    AdcConfig c;
    c.bits = bits;
    try {
      Adc adc(c, 4, mismatch);
      FAIL() << bits << " bits accepted";
    } catch (const ParameterError& e) {
      EXPECT_EQ(e.parameter(), "adc.bits");
    }
  }
  EXPECT_THROW(adc_kind_names().parse("sigma-delta", "adc.kind", "ADC kind"), ParameterError);
  AdcConfig c;
  c.noise_std_lsb = -1.0f;
  EXPECT_THROW(Adc(c, 4, mismatch), ParameterError);
}

}  // namespace
}  // namespace imcsim::hw
