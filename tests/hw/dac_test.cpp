// Acceptance: DAC quantisation and clipping are exact; stochastic rounding is unbiased in the mean.

#include "hw/periphery/dac.h"

#include <gtest/gtest.h>

#include "base/errors.h"

namespace imcsim::hw {
namespace {

const RandomStream no_rounding({0, RandomPurpose::dac_rounding, 0, 0});

TEST(Dac, EveryCodeIsExact) {
  DacConfig c;
  c.bits = 8;
  c.input_range = 2.0f;
  const Dac dac(c);
  EXPECT_EQ(dac.max_code(), 127);
  BatchMatrix x(1, 255);
  for (int k = -127; k <= 127; ++k) x(0, k + 127) = 2.0f * static_cast<float>(k) / 127.0f;
  dac.convert(x, Vector::Constant(1, 2.0f), no_rounding, {});
  for (int k = -127; k <= 127; ++k) ASSERT_FLOAT_EQ(x(0, k + 127), static_cast<float>(k) / 127.0f) << "code " << k;
}

TEST(Dac, RoundsToNearestAndClips) {
  DacConfig c;
  c.bits = 4;  // codes -7..7
  const Dac dac(c);
  BatchMatrix x(1, 6);
  x << 0.2f / 7, 0.6f / 7, 3.49f / 7, -3.51f / 7, 5.0f, -1.5f;
  dac.convert(x, Vector::Ones(1), no_rounding, {});
  EXPECT_FLOAT_EQ(x(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(x(0, 1), 1.0f / 7);
  EXPECT_FLOAT_EQ(x(0, 2), 3.0f / 7);
  EXPECT_FLOAT_EQ(x(0, 3), -4.0f / 7);
  EXPECT_FLOAT_EQ(x(0, 4), 1.0f);   // clipped at +full scale
  EXPECT_FLOAT_EQ(x(0, 5), -1.0f);  // clipped at -full scale
}

TEST(Dac, EncodeGivesIntegerCodes) {
  DacConfig c;
  c.bits = 8;
  const Dac dac(c);
  BatchMatrix x(1, 3);
  x << 0.5f, -1.0f, 3.0f;
  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> codes;
  dac.encode(x, 1.0f, codes);
  EXPECT_EQ(codes(0, 0), 64);  // 63.5 rounds away from zero
  EXPECT_EQ(codes(0, 1), -127);
  EXPECT_EQ(codes(0, 2), 127);
}

TEST(Dac, StochasticRoundingIsUnbiased) {
  DacConfig c;
  c.bits = 4;
  c.stochastic_rounding = true;
  const Dac dac(c);
  const int n = 200000;
  const float value = 2.3f / 7;  // 2.3 LSB: rounds to 2 or 3
  BatchMatrix x = BatchMatrix::Constant(n, 1, value);
  dac.convert(x, Vector::Ones(n), RandomStream({4, RandomPurpose::dac_rounding, 0, 0}), {});
  int ups = 0;
  for (int b = 0; b < n; ++b) {
    const float code = x(b, 0) * 7;
    ASSERT_TRUE(std::fabs(code - 2) < 1e-5f || std::fabs(code - 3) < 1e-5f) << code;
    ups += code > 2.5f;
  }
  EXPECT_NEAR(static_cast<double>(ups) / n, 0.3, 0.005);
  EXPECT_NEAR(x.mean(), value, 0.002 / 7);
  // Negative values too: -2.3 LSB rounds to -3 with probability 0.3.
  BatchMatrix y = BatchMatrix::Constant(n, 1, -value);
  dac.convert(y, Vector::Ones(n), RandomStream({5, RandomPurpose::dac_rounding, 0, 0}), {});
  EXPECT_NEAR(y.mean(), -value, 0.002 / 7);
}

TEST(Dac, InvalidBitsNameTheParameter) {
  for (const int bits : {0, 1, 17}) {
    DacConfig c;
    c.bits = bits;
    try {
      Dac dac(c);
      FAIL() << bits << " bits accepted";
    } catch (const ParameterError& e) {
      EXPECT_EQ(e.parameter(), "dac.bits");
    }
  }
  DacConfig c;
  c.input_range = 0.0f;
  EXPECT_THROW(Dac{c}, ParameterError);
}

}  // namespace
}  // namespace imcsim::hw
