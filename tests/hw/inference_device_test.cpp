// Statistical tests of the inference device models against their published formulas (acceptance: at
// g in {0.05, 0.25, 0.5, 1.0}, >= 100k devices, programming-noise std, drift-exponent mean and std and the
// read-noise std at t = 1 h within 3 % of the formula, or within the sampling error where that is larger).

#include "hw/device/inference_device.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/errors.h"
#include "hw/device/characterisation.h"

namespace imcsim::hw {
namespace {

constexpr std::size_t devices = 200000;
constexpr double one_hour_s = 3600.0;

struct FormulaPoint {
  double g;
  double prog_std_us;  // at the model's g_max
  double nu_mean;
  double nu_std;
  double q_s;
};

// Hand-evaluated from the formulas in the Foundation issue (pcm: g_max 25 uS; pcm-hermes: g_max 20.7 uS).
constexpr FormulaPoint pcm_points[] = {{0.05, 0.358797, 0.070834, 0.031547, 0.061681},
                                       {0.25, 0.681411, 0.049, 0.011429, 0.021668},
                                       {0.5, 0.952705, 0.049, 0.008, 0.013809},
                                       {1.0, 1.05538, 0.049, 0.008, 0.0088}};
constexpr FormulaPoint hermes_points[] = {{0.05, 0.381319, 0.097735, 0.02935, 0.02815},
                                          {0.25, 0.88876, 0.067725, 0.01052, 0.015933},
                                          {0.5, 0.991013, 0.0564, 0.009, 0.016712},
                                          {1.0, 1.092699, 0.0174, 0.0048, 0.0123}};

/// |a - b| within 3 % of b or within k standard errors, whichever is larger.
void expect_close(const char* what, double measured, double expected, double standard_error, double g) {
  const double tolerance = std::max(0.03 * std::fabs(expected), 4.0 * standard_error);
  EXPECT_NEAR(measured, expected, tolerance) << what << " at g = " << g;
}

void check_laws(const InferenceDeviceModel& model, const FormulaPoint& p) {
  const auto g = static_cast<float>(p.g);
  EXPECT_NEAR(model.prog_noise_std_us(g), p.prog_std_us, 1e-5) << "g " << p.g;
  EXPECT_NEAR(model.drift_nu_mean(g), p.nu_mean, 1e-5) << "g " << p.g;
  EXPECT_NEAR(model.drift_nu_std(g), p.nu_std, 1e-5) << "g " << p.g;
  EXPECT_NEAR(model.read_noise_q(g), p.q_s, 1e-5) << "g " << p.g;
}

void check_statistics(const InferenceDeviceModel& model, const FormulaPoint& p) {
  const InferenceDeviceStats s = characterise_inference_device(model, p.g, one_hour_s, devices, 2024);
  const double n = static_cast<double>(devices);
  EXPECT_NEAR(s.g_target_us, p.g * model.params().g_max_us, 1e-4);
  // Programming noise: clipping at 0 uS only matters below ~3 sigma, never at these points.
  expect_close("programming-noise std", s.g_prog_std_us, p.prog_std_us, p.prog_std_us / std::sqrt(2 * n), p.g);
  expect_close("programmed mean", s.g_prog_mean_us, s.g_target_us, p.prog_std_us / std::sqrt(n), p.g);
  // Drift exponent nu = |N(mu, sigma)|: against the folded-normal moments, and the mean against mu itself.
  expect_close("drift exponent mean", s.nu_mean, s.expected_nu_mean, p.nu_std / std::sqrt(n), p.g);
  expect_close("drift exponent mean vs mu", s.nu_mean, p.nu_mean, p.nu_std / std::sqrt(n), p.g);
  expect_close("drift exponent std", s.nu_std, s.expected_nu_std, p.nu_std / std::sqrt(2 * n), p.g);
  // Read noise at 1 h: the RMS of |G(t)| Q_s(g_prog) sqrt(ln((T + t_read) / (2 t_read))) over the devices,
  // and the same at the nominal state.
  expect_close("read-noise std", s.read_noise_std_us, s.expected_read_noise_std_us,
               s.expected_read_noise_std_us / std::sqrt(2 * n), p.g);
  const double drift = std::pow((one_hour_s + model.params().t0_s) / model.params().t0_s, -p.nu_mean);
  const double nominal = s.g_target_us * drift * p.q_s * model.read_noise_time_factor(one_hour_s);
  EXPECT_NEAR(s.read_noise_std_us, nominal, 0.1 * nominal) << "nominal read noise at g = " << p.g;
}

TEST(PcmLikeDevice, LawsMatchPublishedFormulas) {
  const auto model = make_inference_device({});
  EXPECT_EQ(model->name(), "pcm");
  EXPECT_FLOAT_EQ(model->params().g_max_us, 25.0f);
  EXPECT_FLOAT_EQ(model->params().t0_s, 20.0f);
  EXPECT_FLOAT_EQ(model->params().t_read_s, 250e-9f);
  for (const auto& p : pcm_points) check_laws(*model, p);
  // Clamps: mu_nu at most 0.1, sigma_nu at most 0.045, Q_s at most 0.2 for tiny g.
  EXPECT_NEAR(model->drift_nu_mean(1e-6f), 0.1, 1e-6);
  EXPECT_NEAR(model->drift_nu_std(1e-6f), 0.045, 1e-6);
  EXPECT_NEAR(model->read_noise_q(1e-6f), 0.2, 1e-6);
}

TEST(PcmHermesDevice, LawsMatchPublishedFormulas) {
  InferenceDeviceConfig config;
  config.model = "pcm-hermes";
  const auto model = make_inference_device(config);
  EXPECT_FLOAT_EQ(model->params().g_max_us, 20.7f);
  EXPECT_FLOAT_EQ(model->params().t0_s, 300.0f);
  EXPECT_FLOAT_EQ(model->params().t_read_s, 512e-9f);
  for (const auto& p : hermes_points) check_laws(*model, p);
}

class PcmStatistics : public ::testing::TestWithParam<int> {};

TEST_P(PcmStatistics, MatchFormulasOverManyDevices) {
  const auto model = make_inference_device({});
  check_statistics(*model, pcm_points[GetParam()]);
}

TEST_P(PcmStatistics, HermesMatchFormulasOverManyDevices) {
  InferenceDeviceConfig config;
  config.model = "pcm-hermes";
  const auto model = make_inference_device(config);
  check_statistics(*model, hermes_points[GetParam()]);
}

INSTANTIATE_TEST_SUITE_P(AtFourStates, PcmStatistics, ::testing::Values(0, 1, 2, 3));

TEST(InferenceDevice, ProgrammingNoiseScalesWithGmax) {
  InferenceDeviceConfig config;
  config.g_max_us = 50.0f;
  const auto model = make_inference_device(config);
  EXPECT_NEAR(model->prog_noise_std_us(0.5f), 2.0 * 0.952705, 1e-4);
}

TEST(InferenceDevice, DriftLowersConductanceAsPowerLaw) {
  const auto model = make_inference_device({});
  const float g_prog = 10.0f;
  const float nu = 0.05f;
  float g_t = 0;
  model->drift(&g_prog, &nu, 86400.0, &g_t, 1);
  EXPECT_NEAR(g_t, 10.0 * std::pow((86400.0 + 20.0) / 20.0, -0.05), 1e-4);
  model->drift(&g_prog, &nu, 0.0, &g_t, 1);
  EXPECT_EQ(g_t, g_prog);
}

TEST(InferenceDevice, ConductancesNeverNegative) {
  InferenceDeviceConfig config;
  config.prog_noise_scale = 20.0f;
  const auto model = make_inference_device(config);
  std::vector<float> target(10000, 0.5f), prog(10000);
  model->program(target.data(), prog.data(), target.size(), RandomStream({1, RandomPurpose::programming_noise, 0, 0}),
                 0);
  for (const float g : prog) ASSERT_GE(g, 0.0f);
}

TEST(InferenceDevice, IdealDeviceIsExact) {
  InferenceDeviceConfig config;
  config.model = "ideal";
  const auto model = make_inference_device(config);
  const InferenceDeviceStats s = characterise_inference_device(*model, 0.3, 1e6, 1000, 1);
  EXPECT_DOUBLE_EQ(s.g_prog_std_us, 0.0);
  EXPECT_DOUBLE_EQ(s.nu_mean, 0.0);
  EXPECT_DOUBLE_EQ(s.read_noise_std_us, 0.0);
  EXPECT_NEAR(s.g_drift_mean_us, s.g_target_us, 1e-5);
}

TEST(InferenceDevice, InvalidConfigNamesTheParameter) {
  InferenceDeviceConfig config;
  config.g_max_us = -1.0f;
  try {
    make_inference_device(config);
    FAIL() << "negative g_max accepted";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "device.g_max_us");
  }
  config = {};
  config.model = "flash";
  try {
    make_inference_device(config);
    FAIL() << "unknown model accepted";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "device.model");
  }
  config = {};
  config.read_noise_scale = -0.5f;
  EXPECT_THROW(make_inference_device(config), ParameterError);
}

TEST(InferenceDevice, CharacterisationIsDeterministic) {
  const auto model = make_inference_device({});
  const InferenceDeviceStats a = characterise_inference_device(*model, 0.5, 3600, 5000, 77);
  const InferenceDeviceStats b = characterise_inference_device(*model, 0.5, 3600, 5000, 77);
  EXPECT_EQ(a.g_prog_std_us, b.g_prog_std_us);
  EXPECT_EQ(a.read_noise_std_us, b.read_noise_std_us);
  const InferenceDeviceStats c = characterise_inference_device(*model, 0.5, 3600, 5000, 78);
  EXPECT_NE(a.g_prog_std_us, c.g_prog_std_us);
}

}  // namespace
}  // namespace imcsim::hw
