#include "hw/device/characterisation.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include "base/check.h"
#include "hw/pulsed_array.h"

namespace imcsim::hw {

namespace {

struct Moments {
  double mean = 0;
  double std = 0;
};

Moments moments(const std::vector<float>& v) {
  double sum = 0;
  for (const float x : v) sum += x;
  const double mean = v.empty() ? 0 : sum / static_cast<double>(v.size());
  double sq = 0;
  for (const float x : v) sq += (x - mean) * (x - mean);
  return {mean, v.size() > 1 ? std::sqrt(sq / static_cast<double>(v.size() - 1)) : 0.0};
}

/// Mean and std of |X| for X ~ N(mu, sigma) (folded normal).
Moments folded_normal(double mu, double sigma) {
  if (sigma <= 0) return {std::fabs(mu), 0};
  const double z = mu / sigma;
  const double mean = sigma * std::sqrt(2.0 / M_PI) * std::exp(-0.5 * z * z) + mu * std::erf(z / std::sqrt(2.0));
  const double second = mu * mu + sigma * sigma;
  return {mean, std::sqrt(std::max(0.0, second - mean * mean))};
}

void check_request(double g, std::size_t samples) {
  require_in_range("device.g", g, 0.0, 1.0);
  require_in_range("device.samples", static_cast<double>(samples), 2, 1e9);
}

/// For each q of `quantiles`, the element at index floor(q (n - 1)) of `v` sorted (q = 1: the largest).
std::vector<double> quantiles_of(std::vector<double> v, std::initializer_list<double> quantiles) {
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (const double q : quantiles) out.push_back(v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]);
  return out;
}

/// |found - w*| of the first `samples` devices (column-major) that pulses move, and their |w*|.
struct ZeroShiftErrors {
  std::vector<double> dw_min;     ///< in units of the nominal dw_min
  std::vector<double> own_steps;  ///< in units of the device's own step (a+ + a-) / 2
  std::vector<float> analytic_abs;
  std::size_t immobile = 0;  ///< devices with no step, left out of the vectors
};

ZeroShiftErrors zero_shift_errors(const PulsedArray& array, const WeightMatrix& found, const WeightMatrix& analytic,
                                  std::size_t samples, double dw_min) {
  const auto rows = static_cast<std::size_t>(array.rows());
  ZeroShiftErrors e;
  for (std::size_t k = 0; k < samples; ++k) {
    const PulsedDeviceParams& p = array.device(static_cast<int>(k % rows), static_cast<int>(k / rows));
    const double own_step = 0.5 * (static_cast<double>(p.a_up) + p.a_down);
    if (own_step == 0) {
      ++e.immobile;
      continue;
    }
    const double error = std::fabs(static_cast<double>(found.data()[k]) - analytic.data()[k]);
    e.dw_min.push_back(error / dw_min);
    e.own_steps.push_back(error / own_step);
    e.analytic_abs.push_back(std::fabs(analytic.data()[k]));
  }
  return e;
}

double fraction_at_most(const std::vector<double>& v, double limit) {
  const auto n = std::count_if(v.begin(), v.end(), [&](double x) { return x <= limit; });
  return static_cast<double>(n) / static_cast<double>(v.size());
}

}  // namespace

InferenceDeviceStats characterise_inference_device(const InferenceDeviceModel& model, double g, double t_s,
                                                   std::size_t samples, std::uint64_t seed) {
  check_request(g, samples);
  require_non_negative("device.t_s", t_s);
  const InferenceDeviceParams& p = model.params();
  InferenceDeviceStats s;
  s.g = g;
  s.t_s = t_s;
  s.g_max_us = p.g_max_us;
  s.g_target_us = g * p.g_max_us;

  std::vector<float> target(samples, static_cast<float>(s.g_target_us));
  std::vector<float> prog(samples), nu(samples), drifted(samples), read(samples), noise(samples);
  model.program(target.data(), prog.data(), samples, RandomStream({seed, RandomPurpose::programming_noise, 0, 0}), 0);
  model.draw_drift_exponents(target.data(), nu.data(), samples,
                             RandomStream({seed, RandomPurpose::drift_exponent, 0, 0}), 0);
  model.drift(prog.data(), nu.data(), t_s, drifted.data(), samples);
  read = drifted;
  model.add_read_noise(prog.data(), t_s, read.data(), samples, RandomStream({seed, RandomPurpose::read_noise, 0, 0}),
                       0);
  double expected_read_sq = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    noise[i] = read[i] - drifted[i];
    const double sigma = model.read_noise_std_us(prog[i], drifted[i], t_s);
    expected_read_sq += sigma * sigma;
  }

  const Moments mp = moments(prog), mn = moments(nu), md = moments(drifted), mr = moments(read), mz = moments(noise);
  s.g_prog_mean_us = mp.mean;
  s.g_prog_std_us = mp.std;
  s.nu_mean = mn.mean;
  s.nu_std = mn.std;
  s.g_drift_mean_us = md.mean;
  s.g_drift_std_us = md.std;
  s.g_read_mean_us = mr.mean;
  s.g_read_std_us = mr.std;
  s.read_noise_std_us = mz.std;

  const float gn = std::max(static_cast<float>(g), 1e-7f);
  s.expected_prog_noise_std_us = p.prog_noise_scale * model.prog_noise_std_us(gn);
  const Moments folded = folded_normal(model.drift_nu_mean(gn), model.drift_nu_std(gn));
  s.expected_nu_mean = p.drift_scale * folded.mean;
  s.expected_nu_std = p.drift_scale * folded.std;
  s.expected_read_noise_std_us = std::sqrt(expected_read_sq / static_cast<double>(samples));
  return s;
}

PulsedDeviceStats characterise_pulsed_device(const PulsedDeviceModel& model, double g, std::size_t samples,
                                             std::uint64_t seed) {
  check_request(g, samples);
  const PulsedDeviceConfig& c = model.config();
  PulsedDeviceStats s;
  s.g = g;
  s.w = c.w_min + g * (c.w_max - c.w_min);
  std::vector<PulsedDeviceParams> devices(samples);
  model.draw_devices(devices.data(), samples, RandomStream({seed, RandomPurpose::device_variation, 0, 0}), 0);
  std::vector<float> xi(2 * samples);
  RandomStream({seed, RandomPurpose::pulse_cycle_noise, 0, 0}).normal(xi.data(), xi.size(), 0);
  std::vector<float> up(samples), down(samples), symmetry(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const PulsedDeviceParams& p = devices[i];
    const float w = std::clamp(static_cast<float>(s.w), p.b_min, p.b_max);
    up[i] = model.pulse(p, w, +1, xi[2 * i]) - w;
    down[i] = w - model.pulse(p, w, -1, xi[2 * i + 1]);
    symmetry[i] = model.symmetry_point(p);
  }
  const Moments mu = moments(up), md = moments(down), ms = moments(symmetry);
  s.dw_up_mean = mu.mean;
  s.dw_up_std = mu.std;
  s.dw_down_mean = md.mean;
  s.dw_down_std = md.std;
  s.symmetry_point = ms.mean;
  s.symmetry_point_std = ms.std;
  return s;
}

ZeroShiftStats characterise_zero_shift(const PulsedDeviceModel& model, int pulse_pairs, std::size_t samples,
                                       std::uint64_t seed, int threads) {
  require_in_range("device.zero_shift_pulse_pairs", pulse_pairs, 1, static_cast<double>(max_zero_shift_pulse_pairs));
  require_in_range("device.samples", static_cast<double>(samples), 2, zero_shift_rows * double{1 << 16});
  const auto rows = std::min<std::size_t>(samples, zero_shift_rows);
  PulsedArray array(model, static_cast<int>(rows), static_cast<int>((samples + rows - 1) / rows), seed, 0);
  const WeightMatrix analytic = array.symmetry_points();
  ZeroShiftConfig config;
  config.pulse_pairs = pulse_pairs;
  const WeightMatrix found = array.zero_shift(config, threads);
  const ZeroShiftErrors e = zero_shift_errors(array, found, analytic, samples, model.config().dw_min);

  ZeroShiftStats s;
  s.devices = samples;
  s.pulse_pairs = pulse_pairs;
  s.immobile_devices = e.immobile;
  if (e.dw_min.empty()) {
    s.within_one_dw_min = s.within_one_own_step = s.error_median_dw_min = s.error_p95_dw_min = s.error_max_dw_min =
        s.error_median_own_steps = s.error_p95_own_steps = s.analytic_abs_mean =
            std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.within_one_dw_min = fraction_at_most(e.dw_min, 1.0);
  s.within_one_own_step = fraction_at_most(e.own_steps, 1.0);
  s.analytic_abs_mean = moments(e.analytic_abs).mean;
  const std::vector<double> q = quantiles_of(e.dw_min, {0.5, 0.95, 1.0});
  s.error_median_dw_min = q[0];
  s.error_p95_dw_min = q[1];
  s.error_max_dw_min = q[2];
  const std::vector<double> own = quantiles_of(e.own_steps, {0.5, 0.95});
  s.error_median_own_steps = own[0];
  s.error_p95_own_steps = own[1];
  return s;
}

}  // namespace imcsim::hw
