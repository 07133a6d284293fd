// imcsim device: statistics of many devices of one model, as one JSON object; for pulsed models with
// --zero-shift-pairs, the convergence of zero-shifting by pulsing instead of the statistics at one state.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "base/errors.h"
#include "hw/device/characterisation.h"

namespace imcsim::apps {

namespace {

struct DeviceOptions {
  std::string model = "pcm";
  double g = 0.5;
  double t_s = 3600;
  std::size_t samples = 100000;
  std::uint64_t seed = 1;
  hw::InferenceDeviceConfig inference;
  hw::PulsedDeviceConfig pulsed;
  float g_max_us = 0;
  int zero_shift_pairs = 0;  ///< 0: not asked for
  int threads = 1;
};

bool is_inference_model(const std::string& model) {
  for (const auto& name : hw::inference_device_models()) {
    if (name == model) return true;
  }
  return false;
}

nlohmann::ordered_json run_inference(const DeviceOptions& o) {
  hw::InferenceDeviceConfig config = o.inference;
  config.model = o.model;
  if (o.g_max_us > 0) config.g_max_us = o.g_max_us;
  const auto model = hw::make_inference_device(config);
  const hw::InferenceDeviceStats s = hw::characterise_inference_device(*model, o.g, o.t_s, o.samples, o.seed);
  nlohmann::ordered_json j;
  j["model"] = model->name();
  j["g"] = s.g;
  j["t_s"] = s.t_s;
  j["samples"] = o.samples;
  j["seed"] = o.seed;
  j["g_max_us"] = s.g_max_us;
  j["t0_s"] = model->params().t0_s;
  j["t_read_s"] = model->params().t_read_s;
  j["g_target_us"] = s.g_target_us;
  j["g_prog_mean_us"] = s.g_prog_mean_us;
  j["g_prog_std_us"] = s.g_prog_std_us;
  j["nu_mean"] = s.nu_mean;
  j["nu_std"] = s.nu_std;
  j["g_drift_mean_us"] = s.g_drift_mean_us;
  j["g_drift_std_us"] = s.g_drift_std_us;
  j["g_read_mean_us"] = s.g_read_mean_us;
  j["g_read_std_us"] = s.g_read_std_us;
  j["read_noise_std_us"] = s.read_noise_std_us;
  j["expected"] = {{"prog_noise_std_us", s.expected_prog_noise_std_us},
                   {"nu_mean", s.expected_nu_mean},
                   {"nu_std", s.expected_nu_std},
                   {"read_noise_std_us", s.expected_read_noise_std_us}};
  return j;
}

std::unique_ptr<hw::PulsedDeviceModel> pulsed_model(const DeviceOptions& o) {
  hw::PulsedDeviceConfig config = o.pulsed;
  config.model = o.model;
  return hw::make_pulsed_device(config);
}

nlohmann::ordered_json run_pulsed(const DeviceOptions& o) {
  const auto model = pulsed_model(o);
  const hw::PulsedDeviceStats s = hw::characterise_pulsed_device(*model, o.g, o.samples, o.seed);
  nlohmann::ordered_json j;
  j["model"] = model->name();
  j["g"] = s.g;
  j["w"] = s.w;
  j["samples"] = o.samples;
  j["seed"] = o.seed;
  j["dw_up_mean"] = s.dw_up_mean;
  j["dw_up_std"] = s.dw_up_std;
  j["dw_down_mean"] = s.dw_down_mean;
  j["dw_down_std"] = s.dw_down_std;
  j["symmetry_point"] = s.symmetry_point;
  j["symmetry_point_std"] = s.symmetry_point_std;
  return j;
}

nlohmann::ordered_json run_zero_shift(const DeviceOptions& o) {
  const auto model = pulsed_model(o);
  const hw::ZeroShiftStats s = hw::characterise_zero_shift(*model, o.zero_shift_pairs, o.samples, o.seed, o.threads);
  nlohmann::ordered_json j;
  j["model"] = model->name();
  j["samples"] = o.samples;
  j["seed"] = o.seed;
  j["pulse_pairs"] = s.pulse_pairs;
  j["devices"] = s.devices;
  j["immobile_devices"] = s.immobile_devices;
  j["within_one_dw_min"] = s.within_one_dw_min;
  j["error_median_dw_min"] = s.error_median_dw_min;
  j["error_p95_dw_min"] = s.error_p95_dw_min;
  j["error_max_dw_min"] = s.error_max_dw_min;
  j["within_one_own_step"] = s.within_one_own_step;
  j["error_median_own_steps"] = s.error_median_own_steps;
  j["error_p95_own_steps"] = s.error_p95_own_steps;
  j["analytic_abs_mean"] = s.analytic_abs_mean;
  return j;
}

nlohmann::ordered_json run_device(const DeviceOptions& o) {
  if (is_inference_model(o.model)) {
    if (o.zero_shift_pairs > 0)
      throw ParameterError("--zero-shift-pairs", "needs a pulsed model, not '" + o.model + "'");
    return run_inference(o);
  }
  return o.zero_shift_pairs > 0 ? run_zero_shift(o) : run_pulsed(o);
}

}  // namespace

void add_device_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DeviceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "device", "Characterise a device model: statistics of N devices programmed to g and read at time t (JSON)");
  std::vector<std::string> models = hw::inference_device_models();
  for (const auto& name : hw::pulsed_device_models()) models.push_back(name);
  cmd->add_option("--model", options->model, "Device model")->check(CLI::IsMember(models))->capture_default_str();
  cmd->add_option("--g", options->g, "Normalised target conductance G/g_max (pulsed devices: state in [w_min, w_max])")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--t", options->t_s, "Time after programming, s (inference devices)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--samples", options->samples, "Number of devices")
      ->check(CLI::Range(2, 1000000000))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Seed of all random streams")->capture_default_str();
  cmd->add_option("--g-max-us", options->g_max_us, "Override g_max of an inference model, uS")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--prog-noise-scale", options->inference.prog_noise_scale, "Scale of the programming noise")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--drift-scale", options->inference.drift_scale, "Scale of the drift exponent")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--read-noise-scale", options->inference.read_noise_scale, "Scale of the read noise")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--dw-min", options->pulsed.dw_min, "Pulsed: nominal step size")->capture_default_str();
  cmd->add_option("--up-down", options->pulsed.up_down, "Pulsed: up/down asymmetry")->capture_default_str();
  cmd->add_option("--w-max", options->pulsed.w_max, "Pulsed: upper bound")->capture_default_str();
  cmd->add_option("--w-min", options->pulsed.w_min, "Pulsed: lower bound")->capture_default_str();
  cmd->add_option("--gamma-up", options->pulsed.gamma_up, "Linear-step: slope of the up step");
  cmd->add_option("--gamma-down", options->pulsed.gamma_down, "Linear-step: slope of the down step");
  cmd->add_option("--dw-min-dtod", options->pulsed.dw_min_dtod, "Pulsed: device-to-device spread of the step");
  cmd->add_option("--up-down-dtod", options->pulsed.up_down_dtod, "Pulsed: device-to-device spread of up_down");
  cmd->add_option("--w-bounds-dtod", options->pulsed.w_bounds_dtod, "Pulsed: device-to-device spread of the bounds");
  cmd->add_option("--dw-min-std", options->pulsed.dw_min_std, "Pulsed: cycle-to-cycle spread of each step");
  cmd->add_option("--zero-shift-pairs", options->zero_shift_pairs,
                  "Pulsed: zero-shift the devices by this many up/down pulse pairs and print how close they get to "
                  "their analytic symmetry points (instead of the statistics at --g)")
      ->check(CLI::Range(1, static_cast<int>(hw::max_zero_shift_pulse_pairs)))
      ->excludes("--g")
      ->excludes("--t");
  cmd->add_option("--threads", options->threads,
                  "Worker threads of --zero-shift-pairs (the result does not depend on them)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->callback([options, &exit_code]() {
    const nlohmann::ordered_json j = run_device(*options);
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
