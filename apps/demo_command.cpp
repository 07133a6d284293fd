// imcsim demo: what the device and crossbar models do to one layer over time, and what one MVM costs.
// (The main job until the full chip exists: programs a 256 x 256 layer on a HERMES-like core, reads it at
// several times after programming with and without global drift compensation, and prints the errors.)

#include <cstdio>
#include <iostream>

#include "apps/commands.h"
#include "base/random.h"
#include "hw/crossbar.h"
#include "hw/drift_compensation.h"
#include "hw/programmed_array.h"
#include "hw/technology.h"

namespace imcsim::apps {

namespace {

struct DemoOptions {
  std::string device = "pcm-hermes";
  int images = 1000;
  std::uint64_t seed = 1;
};

void run_demo(const DemoOptions& o) {
  constexpr int size = 256;
  hw::InferenceDeviceConfig device_config;
  device_config.model = o.device;
  const auto device = hw::make_inference_device(device_config);

  hw::WeightMatrix w(size, size);
  RandomStream({o.seed, RandomPurpose::test_input, 1, 0}).normal(w.data(), static_cast<std::size_t>(w.size()));
  w *= 0.05f;
  hw::BatchMatrix x(o.images, size);
  RandomStream({o.seed, RandomPurpose::test_input, 2, 0}).uniform(x.data(), static_cast<std::size_t>(x.size()));
  const hw::BatchMatrix exact = x * w;

  hw::ProgrammedArray array(*device, hw::MappingConfig{}, o.seed, 0);
  array.program(w);
  hw::CrossbarConfig xbar_config;
  xbar_config.adc.output_range = 12.0f;
  xbar_config.output_noise_std = 0.04f;
  xbar_config.pcm_read_noise = 0.0175f;
  hw::Crossbar crossbar(xbar_config, o.seed, 0);

  std::uint32_t pass = 0;
  const auto readout = [&](const hw::BatchMatrix& probe) { return crossbar.forward(probe, hw::ReadId{pass++, 0}); };
  // Calibration inputs: 64 vectors drawn like the workload's, but not the workload itself.
  hw::BatchMatrix calibration(64, size);
  RandomStream({o.seed, RandomPurpose::test_input, 3, 0})
      .uniform(calibration.data(), static_cast<std::size_t>(calibration.size()));
  hw::DriftCompensation compensation(hw::DriftCompensationKind::global, calibration);
  crossbar.set_weights(array.normalised_weights_at(0.0, 0), array.column_scales());
  compensation.set_reference(readout);

  std::printf("imcsim demo: one 256 x 256 layer on a %s core, %d random inputs, seed %llu\n", device->name().c_str(),
              o.images, static_cast<unsigned long long>(o.seed));
  std::printf("%-10s %22s %22s %16s\n", "t", "rel. error (no comp.)", "rel. error (global)", "drift factor");
  const std::pair<const char*, double> times[] = {
      {"1 s", 1.0}, {"1 h", 3600.0}, {"1 day", 86400.0}, {"1 year", 365.25 * 86400.0}};
  std::uint32_t draw = 1;
  for (const auto& [label, t_s] : times) {
    crossbar.set_weights(array.normalised_weights_at(t_s, draw++), array.column_scales());
    hw::BatchMatrix y = crossbar.forward(x, hw::ReadId{pass++, 0});
    const double raw_error = (y - exact).norm() / exact.norm();
    compensation.measure(readout);
    compensation.apply(y);
    const double comp_error = (y - exact).norm() / exact.norm();
    std::printf("%-10s %22.4f %22.4f %16.4f\n", label, raw_error, comp_error, compensation.factors()[0]);
  }

  std::printf("\nCost of one MVM on the HERMES 14 nm technology (array + ADC + PWM):\n");
  for (const int phases : {1, 4}) {
    hw::DesignPoint point;
    point.phases = phases;
    const hw::CostModel cost(hw::hermes_technology(), point);
    const hw::ActionCost mvm = cost.mvm();
    std::printf("  %d-phase: %.1f nJ, %.0f ns (array %.2f nJ, ADC %.2f nJ, PWM %.2f nJ)\n", phases,
                mvm.energy_pj * 1e-3, mvm.latency_ns, cost.mvm_array_energy_pj() * 1e-3,
                cost.mvm_adc_energy_pj() * 1e-3, cost.mvm_dac_energy_pj() * 1e-3);
  }
  const hw::CostModel cost(hw::hermes_technology(), hw::DesignPoint{});
  std::printf("  core area %.3f mm2 (MVM %.3f mm2)\n", cost.core_area_mm2(), cost.mvm_area_mm2());
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand("demo", "Device and crossbar demonstration: one layer read over time, MVM cost");
  cmd->add_option("--device", options->device, "Inference device model")
      ->check(CLI::IsMember(hw::inference_device_models()))
      ->capture_default_str();
  cmd->add_option("--images", options->images, "Random input vectors")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "Seed")->capture_default_str();
  cmd->callback([options, &exit_code]() {
    run_demo(*options);
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
