#pragma once
// The options every command that builds a chip shares: --chip PRESET|FILE and repeated --set key.path=value.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.h"

namespace imcsim::apps {

struct ChipOptions {
  std::string chip = "hermes64";
  std::vector<std::string> overrides;

  chip::ChipConfig load() const { return chip::load_chip_config(chip, overrides); }
};

inline void add_chip_options(CLI::App* cmd, ChipOptions& options) {
  cmd->add_option("--chip", options.chip, "Chip preset (configs/NAME.yaml) or a chip YAML file")->capture_default_str();
  cmd->add_option("--set", options.overrides, "Override one config key, e.g. --set adc.bits=6 (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
}

}  // namespace imcsim::apps
