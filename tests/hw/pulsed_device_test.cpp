#include "hw/device/pulsed_device.h"

#include <gtest/gtest.h>

#include <string>

#include "base/errors.h"
#include "hw/device/characterisation.h"
#include "tests/support/thrown.h"

namespace imcsim::hw {
namespace {

PulsedDeviceConfig soft_bounds(float up_down) {
  PulsedDeviceConfig c;
  c.model = "soft-bounds";
  c.dw_min = 0.01f;
  c.up_down = up_down;
  return c;
}

TEST(PulsedDevice, StepLaws) {
  PulsedDeviceConfig c = soft_bounds(0.2f);
  const auto sb = make_pulsed_device(c);
  const PulsedDeviceParams p = sb->nominal();
  EXPECT_FLOAT_EQ(p.a_up, 0.012f);
  EXPECT_FLOAT_EQ(p.a_down, 0.008f);
  EXPECT_FLOAT_EQ(sb->step_up(p, 0.5f), 0.012f * 0.5f);
  EXPECT_FLOAT_EQ(sb->step_down(p, 0.5f), 0.008f * 1.5f);
  EXPECT_FLOAT_EQ(sb->step_up(p, 1.0f), 0.0f);
  EXPECT_FLOAT_EQ(sb->step_down(p, -1.0f), 0.0f);

  c.model = "constant-step";
  const auto cs = make_pulsed_device(c);
  EXPECT_FLOAT_EQ(cs->step_up(p, 0.9f), 0.012f);
  EXPECT_FLOAT_EQ(cs->pulse(p, 0.995f, +1, 0.0f), 1.0f);  // clipped at the bound
  EXPECT_FLOAT_EQ(cs->symmetry_point(p), 1.0f);           // up always wins: runs to the upper bound

  c.model = "linear-step";
  c.gamma_up = 0.5f;
  c.gamma_down = 0.25f;
  const auto ls = make_pulsed_device(c);
  const PulsedDeviceParams q = ls->nominal();
  EXPECT_FLOAT_EQ(ls->step_up(q, 0.4f), 0.012f * (1.0f - 0.2f));
  EXPECT_FLOAT_EQ(ls->step_down(q, 0.4f), 0.008f * (1.0f + 0.1f));
  // Closed form w* = (a+ - a-) / (a+ gamma+ + a- gamma-) against the generic bisection.
  EXPECT_NEAR(ls->symmetry_point(q), (0.012 - 0.008) / (0.012 * 0.5 + 0.008 * 0.25), 1e-5);
}

TEST(PulsedDevice, SoftBoundsSymmetryPointFormula) {
  const auto sb = make_pulsed_device(soft_bounds(0.3f));
  const PulsedDeviceParams p = sb->nominal();
  // w* = (a+ - a-) / (a+/b_max - a-/b_min) = (0.013 - 0.007) / (0.013 + 0.007) = 0.3
  EXPECT_NEAR(sb->symmetry_point(p), 0.3, 1e-6);
}

TEST(PulsedDevice, SoftBoundsConvergesToSymmetryPointUnderAlternatingPulses) {
  for (const float up_down : {-0.4f, 0.1f, 0.3f}) {
    PulsedDeviceConfig c = soft_bounds(up_down);
    c.dw_min_std = 0.3f;  // cycle-to-cycle noise does not move the fixed point
    const auto sb = make_pulsed_device(c);
    const PulsedDeviceParams p = sb->nominal();
    std::vector<float> xi(40000);
    RandomStream({3, RandomPurpose::pulse_cycle_noise, 0, 0}).normal(xi.data(), xi.size());
    for (const float start : {-0.9f, 0.9f}) {
      float w = start;
      double tail_sum = 0;
      int tail = 0;
      for (std::size_t k = 0; k < xi.size(); k += 2) {
        w = sb->pulse(p, w, +1, xi[k]);
        w = sb->pulse(p, w, -1, xi[k + 1]);
        if (k >= xi.size() / 2) {
          tail_sum += w;
          ++tail;
        }
      }
      // The discrete up-down map settles within a fraction of one step of the continuous symmetry point.
      ::testing::Test::RecordProperty("settled_" + std::to_string(up_down) + "_" + std::to_string(start),
                                      std::to_string(tail_sum / tail) + " vs " + std::to_string(sb->symmetry_point(p)));
      EXPECT_NEAR(tail_sum / tail, sb->symmetry_point(p), 0.01) << "up_down " << up_down << " start " << start;
    }
  }
}

TEST(PulsedDevice, DeviceToDeviceVariationSpreadsParameters) {
  PulsedDeviceConfig c = soft_bounds(0.0f);
  c.dw_min_dtod = 0.3f;
  c.up_down_dtod = 0.05f;
  c.w_bounds_dtod = 0.2f;
  const auto sb = make_pulsed_device(c);
  const PulsedDeviceStats s = characterise_pulsed_device(*sb, 0.5, 20000, 9);
  EXPECT_NEAR(s.dw_up_mean, 0.01, 0.0005);
  EXPECT_NEAR(s.dw_up_std / s.dw_up_mean, 0.3, 0.03);
  EXPECT_GT(s.symmetry_point_std, 0.01);
  EXPECT_NEAR(s.symmetry_point, 0.0, 0.01);
}

/// hermes64's training device (aihwkit's soft bounds) with a- = 0.7 a+, the d2d spreads of step and bounds at
/// `dtod`, c2c at `c2c`.
PulsedDeviceConfig imbalanced_soft_bounds(float dtod, float c2c) {
  PulsedDeviceConfig c = aihwkit_soft_bounds();
  c.up_down = 0.176f;
  c.dw_min_dtod = dtod;
  c.w_bounds_dtod = dtod;
  c.dw_min_std = c2c;
  return c;
}

TEST(ZeroShiftCharacterisation, WithoutCycleNoiseEnoughPairsBringEveryDeviceWithinOneDwMin) {
  // d2d 0.1: the slowest of 2048 devices has about 0.65 of the nominal step, a time constant near 460 pairs,
  // so 4000 pairs close the ~100 dw_min from 0 to w* ~ 0.6 x 0.176 for every device.
  const auto device = make_pulsed_device(imbalanced_soft_bounds(0.1f, 0.0f));
  const ZeroShiftStats s = characterise_zero_shift(*device, 4000, 2048, 5, 2);
  EXPECT_EQ(s.devices, 2048u);
  EXPECT_EQ(s.pulse_pairs, 4000);
  EXPECT_NEAR(s.analytic_abs_mean, 0.6 * 0.176, 0.005);
  EXPECT_LT(s.error_max_dw_min, 1.0);
  EXPECT_EQ(s.within_one_dw_min, 1.0);
  EXPECT_EQ(s.within_one_own_step, 1.0);
  EXPECT_LE(s.error_median_dw_min, s.error_p95_dw_min);
  EXPECT_LE(s.error_p95_dw_min, s.error_max_dw_min);
  EXPECT_LT(s.error_p95_own_steps, 1.0);  // the alternating pulses end within a step of w*
  EXPECT_EQ(s.immobile_devices, 0u);
}

TEST(ZeroShiftCharacterisation, TooFewPairsLeaveTheDevicesShortOfTheirPoints) {
  // 200 pairs close only about half of the distance (time constant ~300 pairs).
  const auto device = make_pulsed_device(imbalanced_soft_bounds(0.1f, 0.0f));
  const ZeroShiftStats s = characterise_zero_shift(*device, 200, 2048, 5, 2);
  EXPECT_GT(s.error_median_dw_min, 20.0);
  EXPECT_LT(s.within_one_dw_min, 0.01);
}

TEST(ZeroShiftCharacterisation, CycleNoiseKeepsThePointsFartherAway) {
  const auto quiet = make_pulsed_device(imbalanced_soft_bounds(0.1f, 0.0f));
  const auto noisy = make_pulsed_device(imbalanced_soft_bounds(0.1f, 0.3f));
  const ZeroShiftStats q = characterise_zero_shift(*quiet, 4000, 2048, 5, 2);
  const ZeroShiftStats n = characterise_zero_shift(*noisy, 4000, 2048, 5, 2);
  EXPECT_GT(n.error_median_dw_min, 2 * q.error_median_dw_min);
  EXPECT_GT(n.error_max_dw_min, 1.0);
  EXPECT_EQ(n.analytic_abs_mean, q.analytic_abs_mean);  // the same devices: c2c does not change the points
}

TEST(ZeroShiftCharacterisation, CountsTheDevicesThatCannotMove) {
  // A step spread of 2 leaves P(1 + 2 xi <= 0) = P(xi <= -0.5) = 0.31 of the devices without a step.
  PulsedDeviceConfig c = imbalanced_soft_bounds(0.1f, 0.0f);
  c.dw_min_dtod = 2.0f;
  const auto device = make_pulsed_device(c);
  const ZeroShiftStats s = characterise_zero_shift(*device, 10, 4096, 6, 1);
  EXPECT_EQ(s.devices, 4096u);
  EXPECT_NEAR(static_cast<double>(s.immobile_devices) / 4096.0, 0.3085, 0.025);
  // They have no symmetry point and are left out: the others' errors in their own steps are finite.
  EXPECT_LT(s.error_p95_own_steps, 1000.0);
  EXPECT_GT(s.error_median_dw_min, 50.0);
}

TEST(ZeroShiftCharacterisation, IsIdenticalForAnyThreadCountAndOddSampleCounts) {
  const auto device = make_pulsed_device(imbalanced_soft_bounds(0.3f, 0.3f));
  const ZeroShiftStats one = characterise_zero_shift(*device, 300, 1000, 7, 1);
  const ZeroShiftStats three = characterise_zero_shift(*device, 300, 1000, 7, 3);
  EXPECT_EQ(one.devices, 1000u);  // four columns of 256, the last one counted in part
  EXPECT_EQ(one.error_median_dw_min, three.error_median_dw_min);
  EXPECT_EQ(one.error_p95_dw_min, three.error_p95_dw_min);
  EXPECT_EQ(one.error_max_dw_min, three.error_max_dw_min);
  EXPECT_EQ(one.within_one_dw_min, three.within_one_dw_min);
  EXPECT_EQ(one.within_one_own_step, three.within_one_own_step);
  EXPECT_EQ(one.error_p95_own_steps, three.error_p95_own_steps);
  EXPECT_EQ(characterise_zero_shift(*device, 300, 100, 7, 1).devices, 100u);  // one column of 100 rows
}

TEST(ZeroShiftCharacterisation, RejectsBadRequests) {
  const auto device = make_pulsed_device(imbalanced_soft_bounds(0.3f, 0.0f));
  const auto parameter = [&](int pulse_pairs, std::size_t samples) {
    return test::thrown_by<ParameterError>([&] { characterise_zero_shift(*device, pulse_pairs, samples, 1, 1); })
        .parameter();
  };
  EXPECT_EQ(parameter(0, 100), "device.zero_shift_pulse_pairs");
  EXPECT_EQ(parameter(static_cast<int>(max_zero_shift_pulse_pairs) + 1, 100), "device.zero_shift_pulse_pairs");
  EXPECT_EQ(parameter(10, 1), "device.samples");
  EXPECT_EQ(parameter(10, std::size_t{zero_shift_rows} * (1 << 16) + 1), "device.samples");
}

TEST(PulsedDevice, InvalidConfigNamesTheParameter) {
  PulsedDeviceConfig c = soft_bounds(0.0f);
  c.dw_min = 0.0f;
  try {
    make_pulsed_device(c);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "device.dw_min");
  }
  c = soft_bounds(0.0f);
  c.w_min = 0.5f;
  EXPECT_THROW(make_pulsed_device(c), ParameterError);
  c = soft_bounds(1.5f);
  EXPECT_THROW(make_pulsed_device(c), ParameterError);
  c = soft_bounds(0.0f);
  c.model = "ecram-magic";
  EXPECT_THROW(make_pulsed_device(c), ParameterError);
}

TEST(PulsedDevice, InvalidConfigNamesTheFieldAfterTheKeyPrefix) {
  const auto parameter = [](PulsedDeviceConfig c, const std::string& prefix) {
    return test::thrown_by<ParameterError>([&] { make_pulsed_device(c, prefix); }).parameter();
  };
  PulsedDeviceConfig c = soft_bounds(0.0f);
  c.w_min = 0.5f;
  c.w_max = 0.4f;
  EXPECT_EQ(parameter(c, "training_device."), "training_device.w_max");
  EXPECT_EQ(parameter(c, device_keys), "device.w_max");
  const ParameterError reversed = test::thrown_by<ParameterError>([&] { make_pulsed_device(c, "training_device."); });
  EXPECT_NE(std::string(reversed.what()).find("above training_device.w_min"), std::string::npos) << reversed.what();
  c = soft_bounds(0.0f);
  c.w_max = -0.2f;  // above w_min, but soft bounds need w_max > 0
  EXPECT_EQ(parameter(c, "training_device."), "training_device.w_max");
  c = soft_bounds(-1.0f);
  EXPECT_EQ(parameter(c, "training_device."), "training_device.up_down");
  c = soft_bounds(0.0f);
  c.dw_min = -0.001f;
  EXPECT_EQ(parameter(c, "training_device."), "training_device.dw_min");
  c.model = "constant-step";
  EXPECT_EQ(parameter(c, "training_device."), "training_device.dw_min");
  c = soft_bounds(0.0f);
  c.model = "ecram-magic";
  EXPECT_EQ(parameter(c, "training_device."), "training_device.model");
}

}  // namespace
}  // namespace imcsim::hw
