#include "chip/chip_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "base/errors.h"
#include "base/text.h"
#include "base/yaml_section.h"
#include "chip/config_keys.h"
#include "hw/periphery/adc.h"
#include "hw/periphery/dac.h"

#ifndef IMCSIM_CONFIG_DIR
#define IMCSIM_CONFIG_DIR "configs"
#endif

namespace imcsim::chip {

namespace {

namespace fs = std::filesystem;

/// Resolves a file named in a config relative to that config's directory.
std::string relative_to(const std::string& config_file, const std::string& path) {
  const fs::path p(path);
  if (p.is_absolute()) return path;
  const fs::path base = fs::path(config_file).parent_path();
  return (base / p).lexically_normal().string();
}

/// Reads every key of the table, section by section; a section fails on an unknown key when its last key is
/// read, the top level at the end.
void read_keys(YamlSection& root, ChipConfig& c) {
  std::optional<YamlSection> section;
  std::string open;  ///< the name of `section`
  for (const ConfigKey& key : config_keys()) {
    const std::string name = key.section();
    if (name.empty()) {
      key.read(root, key.leaf(), c);
      continue;
    }
    if (!section || name != open) {
      if (section) section->finish();
      section.emplace(root.section(name));
      open = name;
    }
    key.read(*section, key.leaf(), c);
  }
  if (section) section->finish();
  root.finish();
}

ChipConfig resolve(YamlSection& root) {
  ChipConfig c = default_chip_config();
  c.source = root.file();
  read_keys(root, c);

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
    hw::make_pulsed_device(c.training_device.device, "training_device.");
    hw::validate_mapping(c.mapping, device->params().g_max_us);
    interconnect::validate(c.interconnect);
    hw::Dac dac(c.dac);
    hw::Adc adc(c.adc, 1, RandomStream({}));
    hw::CostModel cost(c.technology, c.design_point());
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
  c.training_device.device = hw::aihwkit_soft_bounds();
  c.training_device.zero_shift.pulse_pairs = 2000;
  c.training_device.zero_shift.reference_programming_std = 0.0f;
  c.adc.output_range = 12.0f;
  c.adc.noise_std_lsb = 0.5f;
  c.adc.gain_error_std = 0.02f;
  c.adc.offset_error_std_lsb = 1.0f;
  c.adc.nonlinearity_lsb = 0.5f;
  c.technology = hw::hermes_technology();
  return c;
}

const NameTable<ReadMode>& read_mode_names() {
  static const NameTable<ReadMode> table{{ReadMode::one_phase, "one_phase"}, {ReadMode::four_phase, "four_phase"}};
  return table;
}

std::string read_mode_name(ReadMode mode) { return read_mode_names().name(mode); }

const NameTable<AdcRange>& adc_range_names() {
  static const NameTable<AdcRange> table{{AdcRange::fixed, "fixed"}, {AdcRange::per_core, "per_core"}};
  return table;
}

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
  p.digital_clock_mhz = digital.clock_mhz;
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
  const ConfigKey* key = find_config_key(dotted_key);
  return key != nullptr && key->timing_only;
}

}  // namespace imcsim::chip
