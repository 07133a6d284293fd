// ChipConfig -> YAML: every key with its resolved value, in the schema's order (imcsim config show).

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>

#include "chip/chip_config.h"

namespace imcsim::chip {

namespace {

template <typename T>
void key(YAML::Emitter& out, const char* name, const T& value) {
  out << YAML::Key << name << YAML::Value << value;
}

/// Floating-point values in their shortest form that reads back to the same number (0.02, not 0.0199999996).
template <typename F>
std::string shortest(F value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

void key(YAML::Emitter& out, const char* name, float value) { key(out, name, shortest(value)); }
void key(YAML::Emitter& out, const char* name, double value) { key(out, name, shortest(value)); }

void begin(YAML::Emitter& out, const char* name) { out << YAML::Key << name << YAML::Value << YAML::BeginMap; }

}  // namespace

std::string to_yaml(const ChipConfig& c) {
  const auto device = hw::make_inference_device(c.device);
  YAML::Emitter out;
  out << YAML::BeginMap;
  key(out, "name", c.name);
  key(out, "technology", c.technology_file);

  begin(out, "cores");
  key(out, "count", c.cores.count);
  key(out, "rows", c.cores.rows);
  key(out, "cols", c.cores.cols);
  key(out, "read_mode", read_mode_name(c.cores.read_mode));
  key(out, "input_buffer_kib", c.cores.input_buffer_kib);
  key(out, "output_buffer_kib", c.cores.output_buffer_kib);
  key(out, "one_phase_noise_std", c.cores.one_phase_noise_std);
  key(out, "one_phase_nonlinearity_lsb", c.cores.one_phase_nonlinearity_lsb);
  key(out, "program_verify_iterations", c.cores.program_verify_iterations);
  out << YAML::EndMap;

  begin(out, "device");
  key(out, "model", c.device.model);
  key(out, "g_max_us", device->params().g_max_us);
  key(out, "t0_s", device->params().t0_s);
  key(out, "t_read_s", device->params().t_read_s);
  key(out, "prog_noise_scale", c.device.prog_noise_scale);
  key(out, "drift_scale", c.device.drift_scale);
  key(out, "read_noise_scale", c.device.read_noise_scale);
  out << YAML::EndMap;

  begin(out, "mapping");
  key(out, "devices_per_polarity", c.mapping.devices_per_polarity);
  key(out, "g_min_us", c.mapping.g_min_us);
  key(out, "scale", c.mapping.scale);
  key(out, "weight_clip", c.mapping.weight_clip);
  key(out, "stuck_off_probability", c.mapping.stuck_off_probability);
  key(out, "stuck_on_probability", c.mapping.stuck_on_probability);
  out << YAML::EndMap;

  begin(out, "dac");
  key(out, "bits", c.dac.bits);
  key(out, "input_range", c.dac.input_range);
  key(out, "stochastic_rounding", c.dac.stochastic_rounding);
  key(out, "quantise", c.dac.quantise);
  out << YAML::EndMap;

  begin(out, "adc");
  key(out, "bits", c.adc.bits);
  key(out, "kind", c.adc.kind);
  key(out, "output_range", c.adc.output_range);
  key(out, "noise_std_lsb", c.adc.noise_std_lsb);
  key(out, "gain_error_std", c.adc.gain_error_std);
  key(out, "offset_error_std_lsb", c.adc.offset_error_std_lsb);
  key(out, "nonlinearity_lsb", c.adc.nonlinearity_lsb);
  key(out, "calibrate", c.adc.calibrate);
  key(out, "calibration_points", c.adc.calibration_points);
  key(out, "quantise", c.adc.quantise);
  out << YAML::EndMap;

  begin(out, "noise");
  key(out, "output_noise_std", c.noise.output_noise_std);
  key(out, "pcm_read_noise", c.noise.pcm_read_noise);
  key(out, "input_scaling", c.noise.input_scaling);
  key(out, "drift_compensation", c.noise.drift_compensation);
  key(out, "t_inference_s", c.noise.t_inference_s);
  out << YAML::EndMap;

  begin(out, "digital");
  key(out, "clock_mhz", c.digital.clock_mhz);
  key(out, "global_unit_slices", c.digital.global_unit_slices);
  key(out, "global_unit_cycles_per_output", c.digital.global_unit_cycles_per_output);
  out << YAML::EndMap;

  begin(out, "interconnect");
  key(out, "topology", interconnect::topology_name(c.interconnect.topology));
  key(out, "grid_x", c.interconnect.grid_x);
  key(out, "grid_y", c.interconnect.grid_y);
  key(out, "link_width_bits", c.interconnect.link_width_bits);
  key(out, "clock_mhz", c.interconnect.clock_mhz);
  key(out, "router_latency_cycles", c.interconnect.router_latency_cycles);
  key(out, "buffer_flits", c.interconnect.buffer_flits);
  key(out, "virtual_channels", c.interconnect.virtual_channels);
  key(out, "max_packet_flits", c.interconnect.max_packet_flits);
  key(out, "mode", c.interconnect.mode);
  key(out, "offchip_node", c.interconnect.offchip_node);
  out << YAML::EndMap;

  begin(out, "compiler");
  key(out, "replication", c.compiler.replication);
  key(out, "inferences", c.compiler.inferences);
  key(out, "adc_range", c.compiler.adc_range);
  key(out, "placement", firmware::placement_name(c.compiler.placement));
  out << YAML::EndMap;

  begin(out, "sim");
  key(out, "seed", c.sim.seed);
  key(out, "quantum_ns", c.sim.quantum_ns);
  out << YAML::EndMap;

  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace imcsim::chip
