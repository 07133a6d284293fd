// Tests of the validation helpers (base/check.h): each rejects invalid values with a ParameterError that names
// the parameter, and accepts valid values, bounds included.

#include "base/check.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "base/errors.h"

namespace imcsim {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Runs `check`, which must throw a ParameterError, and returns it.
ParameterError thrown_by(const std::function<void()>& check) {
  try {
    check();
  } catch (const ParameterError& e) {
    return e;
  }
  ADD_FAILURE() << "no ParameterError was thrown";
  return ParameterError("", "");
}

void expect_names(const ParameterError& e, const std::string& parameter) {
  EXPECT_EQ(e.parameter(), parameter);
  EXPECT_NE(std::string(e.what()).find(parameter), std::string::npos) << e.what();
}

TEST(CheckInRange, AcceptsValuesInsideAndOnTheBounds) {
  EXPECT_NO_THROW(require_in_range("x", 0.0, 0.0, 1.0));
  EXPECT_NO_THROW(require_in_range("x", 0.5, 0.0, 1.0));
  EXPECT_NO_THROW(require_in_range("x", 1.0, 0.0, 1.0));
  EXPECT_NO_THROW(require_in_range("x", -3.0, -3.0, -3.0));
}

TEST(CheckInRange, RejectsOutOfRangeAndNonFiniteNamingTheParameter) {
  for (double value : {-1e-12, 1.0 + 1e-12, -5.0, 7.0, inf, -inf, nan}) {
    const ParameterError e = thrown_by([&] { require_in_range("adc.out_range", value, 0.0, 1.0); });
    expect_names(e, "adc.out_range");
  }
}

TEST(CheckInRange, RejectsInfinityEvenWithInfiniteBounds) {
  expect_names(thrown_by([] { require_in_range("x.y", inf, -inf, inf); }), "x.y");
}

TEST(CheckInRange, MessageShowsValueAndBounds) {
  const ParameterError e = thrown_by([] { require_in_range("dac.bits_scale", 2.5, 0.0, 1.0); });
  const std::string what = e.what();
  EXPECT_NE(what.find("2.5"), std::string::npos) << what;
  EXPECT_NE(what.find("[0, 1]"), std::string::npos) << what;
}

TEST(CheckNonNegative, AcceptsZeroAndPositive) {
  EXPECT_NO_THROW(require_non_negative("x", 0.0));
  EXPECT_NO_THROW(require_non_negative("x", -0.0));
  EXPECT_NO_THROW(require_non_negative("x", 1e-300));
  EXPECT_NO_THROW(require_non_negative("x", 1e300));
}

TEST(CheckNonNegative, RejectsNegativeAndNonFinite) {
  for (double value : {-1e-300, -1.0, -inf, inf, nan}) {
    expect_names(thrown_by([&] { require_non_negative("device.read_noise_scale", value); }), "device.read_noise_scale");
  }
}

TEST(CheckPositive, AcceptsStrictlyPositive) {
  EXPECT_NO_THROW(require_positive("x", 1e-300));
  EXPECT_NO_THROW(require_positive("x", 25.0));
}

TEST(CheckPositive, RejectsZeroNegativeAndNonFinite) {
  for (double value : {0.0, -0.0, -1.0, inf, -inf, nan}) {
    expect_names(thrown_by([&] { require_positive("device.g_max_us", value); }), "device.g_max_us");
  }
}

TEST(CheckBits, AcceptsOneToSixteen) {
  for (int bits = 1; bits <= 16; ++bits) EXPECT_NO_THROW(require_bits("adc.bits", bits)) << bits;
}

TEST(CheckBits, RejectsZeroSeventeenAndNegative) {
  for (int bits : {0, 17, -1, 64}) {
    const ParameterError e = thrown_by([&] { require_bits("adc.bits", bits); });
    expect_names(e, "adc.bits");
    EXPECT_NE(std::string(e.what()).find(std::to_string(bits)), std::string::npos) << e.what();
  }
}

TEST(CheckErrors, ParameterErrorIsAnImcsimError) {
  try {
    require_bits("dac.bits", 0);
    FAIL() << "require_bits(0) did not throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dac.bits"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace imcsim
