#include "chip/chip_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/errors.h"
#include "base/text.h"
#include "base/yaml_section.h"
#include "hw/drift_compensation.h"
#include "hw/periphery/adc.h"
#include "hw/periphery/dac.h"

#ifndef IMCSIM_CONFIG_DIR
#define IMCSIM_CONFIG_DIR "configs"
#endif

namespace imcsim::chip {

namespace {

namespace fs = std::filesystem;

constexpr double big = 1e12;

void read_choice(YamlSection& s, const std::string& key, std::string& value, const std::vector<std::string>& options) {
  s.read(key, value);
  if (std::find(options.begin(), options.end(), value) == options.end()) {
    s.fail(key, "unknown value '" + value + "' (known: " + join_names(options) + ")");
  }
}

template <typename T>
void read_optional(YamlSection& s, const std::string& key, std::optional<T>& value, T lo, T hi) {
  if (!s.has(key)) {
    T unused{};
    s.read(key, unused);  // marks the key as known
    return;
  }
  T v{};
  s.read_in_range(key, v, lo, hi);
  value = v;
}

void read_cores(YamlSection s, CoresConfig& c) {
  s.read_in_range("count", c.count, 1, 4096);
  s.read_in_range("rows", c.rows, 1, 65536);
  s.read_in_range("cols", c.cols, 1, 65536);
  std::string mode = read_mode_name(c.read_mode);
  read_choice(s, "read_mode", mode, {"one_phase", "four_phase"});
  c.read_mode = mode == "one_phase" ? ReadMode::one_phase : ReadMode::four_phase;
  s.read_in_range("input_buffer_kib", c.input_buffer_kib, 0.0, 1e9);
  s.read_in_range("output_buffer_kib", c.output_buffer_kib, 0.0, 1e9);
  s.read_in_range("one_phase_noise_std", c.one_phase_noise_std, 0.0f, 1e6f);
  s.read_in_range("one_phase_nonlinearity_lsb", c.one_phase_nonlinearity_lsb, 0.0f, 1e6f);
  s.read_in_range("program_verify_iterations", c.program_verify_iterations, 0.0, 1e6);
  s.finish();
}

void read_device(YamlSection s, hw::InferenceDeviceConfig& d) {
  read_choice(s, "model", d.model, hw::inference_device_models());
  read_optional(s, "g_max_us", d.g_max_us, 1e-6f, 1e6f);
  read_optional(s, "t0_s", d.t0_s, 1e-9f, 1e9f);
  read_optional(s, "t_read_s", d.t_read_s, 1e-15f, 1e3f);
  s.read_in_range("prog_noise_scale", d.prog_noise_scale, 0.0f, 1e3f);
  s.read_in_range("drift_scale", d.drift_scale, 0.0f, 1e3f);
  s.read_in_range("read_noise_scale", d.read_noise_scale, 0.0f, 1e3f);
  s.finish();
}

void read_mapping(YamlSection s, hw::MappingConfig& m) {
  s.read_in_range("devices_per_polarity", m.devices_per_polarity, 1, 16);
  s.read_in_range("g_min_us", m.g_min_us, 0.0f, 1e6f);
  read_choice(s, "scale", m.scale, {"per_column", "per_array"});
  s.read_in_range("weight_clip", m.weight_clip, 0.0f, 1e9f);
  s.read_in_range("stuck_off_probability", m.stuck_off_probability, 0.0f, 1.0f);
  s.read_in_range("stuck_on_probability", m.stuck_on_probability, 0.0f, 1.0f);
  s.finish();
}

void read_dac(YamlSection s, hw::DacConfig& d) {
  s.read_in_range("bits", d.bits, 2, 16);
  s.read_in_range("input_range", d.input_range, 1e-9f, 1e9f);
  s.read("stochastic_rounding", d.stochastic_rounding);
  s.read("quantise", d.quantise);
  s.finish();
}

void read_adc(YamlSection s, hw::AdcConfig& a) {
  s.read_in_range("bits", a.bits, 2, 16);
  read_choice(s, "kind", a.kind, {"cco", "sar", "flash", "ramp"});
  s.read_in_range("output_range", a.output_range, 1e-9f, 1e9f);
  s.read_in_range("noise_std_lsb", a.noise_std_lsb, 0.0f, 1e6f);
  s.read_in_range("gain_error_std", a.gain_error_std, 0.0f, 1.0f);
  s.read_in_range("offset_error_std_lsb", a.offset_error_std_lsb, 0.0f, 1e6f);
  s.read_in_range("nonlinearity_lsb", a.nonlinearity_lsb, 0.0f, 1e6f);
  s.read("calibrate", a.calibrate);
  s.read_in_range("calibration_points", a.calibration_points, 2, 1 << 20);
  s.read("quantise", a.quantise);
  s.finish();
}

void read_noise(YamlSection s, NoiseConfig& n) {
  s.read_in_range("output_noise_std", n.output_noise_std, 0.0f, 1e6f);
  s.read_in_range("pcm_read_noise", n.pcm_read_noise, 0.0f, 1e6f);
  read_choice(s, "input_scaling", n.input_scaling, {"fixed", "abs_max"});
  read_choice(s, "drift_compensation", n.drift_compensation, {"none", "global", "per_column"});
  s.read_in_range("t_inference_s", n.t_inference_s, 0.0, 1e12);
  s.finish();
}

void read_digital(YamlSection s, DigitalConfig& d) {
  s.read_in_range("clock_mhz", d.clock_mhz, 1e-3, 1e6);
  s.read_in_range("global_unit_slices", d.global_unit_slices, 1, 4096);
  s.read_in_range("global_unit_cycles_per_output", d.global_unit_cycles_per_output, 1, 1 << 20);
  s.finish();
}

void read_interconnect(YamlSection s, interconnect::NetworkConfig& n) {
  std::string topology = interconnect::topology_name(n.topology);
  read_choice(s, "topology", topology, {"mesh", "torus", "neighbour"});
  n.topology = interconnect::parse_topology(topology);
  s.read_in_range("grid_x", n.grid_x, 1, 4096);
  s.read_in_range("grid_y", n.grid_y, 1, 4096);
  s.read_in_range("link_width_bits", n.link_width_bits, 1, 4096);
  s.read_in_range("clock_mhz", n.clock_mhz, 1e-3, 1e6);
  s.read_in_range("router_latency_cycles", n.router_latency_cycles, 0, 1000);
  s.read_in_range("buffer_flits", n.buffer_flits, 1, 1 << 16);
  s.read_in_range("virtual_channels", n.virtual_channels, 1, 64);
  s.read_in_range("max_packet_flits", n.max_packet_flits, 1, 1 << 20);
  read_choice(s, "mode", n.mode, {"lt", "at"});
  s.read_in_range("offchip_node", n.offchip_node, 0, 1 << 20);
  s.finish();
}

void read_compiler(YamlSection s, CompilerConfig& c) {
  read_choice(s, "replication", c.replication, {"none", "balance", "fill"});
  s.read_in_range("inferences", c.inferences, 1, 10000);
  read_choice(s, "adc_range", c.adc_range, {"fixed", "per_core"});
  std::string placement = firmware::placement_name(c.placement);
  read_choice(s, "placement", placement, firmware::placement_names());
  c.placement = firmware::parse_placement(placement);
  s.finish();
}

void read_sim(YamlSection s, SimConfig& c) {
  s.read("seed", c.seed);
  s.read_in_range("quantum_ns", c.quantum_ns, 1e-3, 1e12);
  s.finish();
}

/// Resolves a file named in a config relative to that config's directory.
std::string relative_to(const std::string& config_file, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute()) return path;
  const fs::path base = fs::path(config_file).parent_path();
  return (base / p).lexically_normal().string();
}

ChipConfig resolve(YamlSection& root) {
  ChipConfig c = default_chip_config();
  c.source = root.file();
  root.read("name", c.name);
  root.read("technology", c.technology_file);
  read_cores(root.section("cores"), c.cores);
  read_device(root.section("device"), c.device);
  read_mapping(root.section("mapping"), c.mapping);
  read_dac(root.section("dac"), c.dac);
  read_adc(root.section("adc"), c.adc);
  read_noise(root.section("noise"), c.noise);
  read_digital(root.section("digital"), c.digital);
  read_interconnect(root.section("interconnect"), c.interconnect);
  read_compiler(root.section("compiler"), c.compiler);
  read_sim(root.section("sim"), c.sim);
  root.finish();

  if (c.interconnect.grid_x * c.interconnect.grid_y != c.cores.count) {
    root.fail_path("interconnect.grid_x", "the " + interconnect::topology_name(c.interconnect.topology) + " grid " +
                                              std::to_string(c.interconnect.grid_x) + " x " +
                                              std::to_string(c.interconnect.grid_y) +
                                              " does not fit cores.count = " + std::to_string(c.cores.count));
  }
  if (c.interconnect.offchip_node >= c.cores.count) {
    root.fail_path("interconnect.offchip_node", "node " + std::to_string(c.interconnect.offchip_node) +
                                                    " does not exist on a chip of " + std::to_string(c.cores.count) +
                                                    " cores");
  }
  if (!c.technology_file.empty()) {
    c.technology_file = relative_to(root.file(), c.technology_file);
    c.technology = hw::load_technology(c.technology_file);
  } else {
    c.technology = hw::hermes_technology();
  }
  // The components validate their own parameters again; their names follow the config's dotted keys.
  try {
    const auto device = hw::make_inference_device(c.device);
    hw::validate_mapping(c.mapping, device->params().g_max_us);
    interconnect::validate(c.interconnect);
    hw::Dac dac(c.dac);
    hw::Adc adc(c.adc, 1, RandomStream({}));
    hw::CostModel cost(c.technology, c.design_point());
    static_cast<void>(hw::parse_drift_compensation(c.noise.drift_compensation));
  } catch (const ParameterError& e) {
    root.fail_path(e.parameter(), e.what());
  }
  return c;
}

ChipConfig parse(YamlSection root, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) root.apply_override(o);
  return resolve(root);
}

}  // namespace

ChipConfig default_chip_config() {
  ChipConfig c;
  c.cores.one_phase_noise_std = 0.02f;
  c.cores.one_phase_nonlinearity_lsb = 1.0f;
  c.device.model = "pcm-hermes";
  c.adc.output_range = 12.0f;
  c.adc.noise_std_lsb = 0.5f;
  c.adc.gain_error_std = 0.02f;
  c.adc.offset_error_std_lsb = 1.0f;
  c.adc.nonlinearity_lsb = 0.5f;
  c.technology = hw::hermes_technology();
  return c;
}

std::string read_mode_name(ReadMode mode) { return mode == ReadMode::one_phase ? "one_phase" : "four_phase"; }

hw::CrossbarConfig ChipConfig::crossbar() const {
  hw::CrossbarConfig x;
  x.rows = cores.rows;
  x.cols = cores.cols;
  x.dac = dac;
  x.adc = adc;
  x.output_noise_std = noise.output_noise_std;
  x.pcm_read_noise = noise.pcm_read_noise;
  x.input_scaling = noise.input_scaling;
  if (cores.read_mode == ReadMode::one_phase) {
    // All sign quadrants in one integration: extra noise and nonlinearity on top of the four-phase read.
    x.output_noise_std =
        std::sqrt(x.output_noise_std * x.output_noise_std + cores.one_phase_noise_std * cores.one_phase_noise_std);
    x.adc.nonlinearity_lsb += cores.one_phase_nonlinearity_lsb;
  }
  return x;
}

hw::DesignPoint ChipConfig::design_point() const {
  hw::DesignPoint p;
  p.rows = cores.rows;
  p.cols = cores.cols;
  p.adc_bits = adc.bits;
  p.adc_kind = adc.kind;
  p.dac_bits = dac.bits;
  p.phases = cores.read_mode == ReadMode::one_phase ? 1 : 4;
  p.sram_kib = cores.input_buffer_kib + cores.output_buffer_kib;
  return p;
}

std::string preset_directory() {
  if (const char* dir = std::getenv("IMCSIM_CONFIG_DIR"); dir != nullptr && *dir != '\0') return dir;
  // The source tree's configs/ while it exists (a developer build), then the installed copy.
  std::error_code ec;
  if (fs::is_directory(IMCSIM_CONFIG_DIR, ec)) return IMCSIM_CONFIG_DIR;
#ifdef IMCSIM_INSTALL_CONFIG_DIR
  return IMCSIM_INSTALL_CONFIG_DIR;
#else
  return IMCSIM_CONFIG_DIR;
#endif
}

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(preset_directory(), ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ChipConfig load_chip_config(const std::string& preset_or_path, const std::vector<std::string>& overrides) {
  const bool is_path = preset_or_path.find('/') != std::string::npos ||
                       fs::path(preset_or_path).extension() == ".yaml" || fs::exists(preset_or_path);
  std::string path = preset_or_path;
  if (!is_path) {
    path = (fs::path(preset_directory()) / (preset_or_path + ".yaml")).string();
    if (!fs::exists(path)) {
      throw InputError(preset_or_path, 0, 0, "",
                       "no such chip preset or file (presets: " + join_names(preset_names()) + ")");
    }
  }
  return parse(YamlSection::load_file(path), overrides);
}

ChipConfig parse_chip_config(const std::string& yaml_text, const std::string& name,
                             const std::vector<std::string>& overrides) {
  return parse(YamlSection::load_string(yaml_text, name), overrides);
}

bool timing_only_key(const std::string& dotted_key) {
  static const std::set<std::string> exact{"technology",
                                           "cores.input_buffer_kib",
                                           "cores.output_buffer_kib",
                                           "cores.program_verify_iterations",
                                           "compiler.inferences",
                                           "sim.quantum_ns",
                                           "digital.clock_mhz",
                                           "digital.global_unit_slices",
                                           "digital.global_unit_cycles_per_output"};
  if (exact.count(dotted_key) > 0) return true;
  const std::string network = "interconnect.";
  return dotted_key.compare(0, network.size(), network) == 0 && dotted_key != "interconnect.grid_x" &&
         dotted_key != "interconnect.grid_y";
}

}  // namespace imcsim::chip
