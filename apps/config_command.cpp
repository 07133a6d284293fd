// imcsim config show: the resolved chip configuration with every default, as YAML that loads back unchanged.
// imcsim config keys: every key of the table (chip/config_keys.h) with its type, unit, range and meaning.

#include <cstdio>
#include <iostream>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "chip/config_keys.h"

namespace imcsim::apps {

void add_config_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ChipOptions>();
  CLI::App* cmd = app.add_subcommand("config", "Chip configuration");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "Print the resolved configuration (YAML, every key)");
  add_chip_options(show, *options);
  show->callback([options, &exit_code]() {
    std::cout << chip::to_yaml(options->load());
    exit_code = 0;
  });
  CLI::App* keys = cmd->add_subcommand("keys", "List every config key: type, unit, range, timing only, meaning");
  keys->callback([&exit_code]() {
    for (const auto& k : chip::config_keys()) {
      std::printf("%-40s %-8s %-24s %-28s %-6s %s\n", k.name.c_str(), k.type.c_str(), k.unit.c_str(), k.range.c_str(),
                  k.timing_only ? "timing" : "", k.description.c_str());
    }
    exit_code = 0;
  });
  CLI::App* presets = cmd->add_subcommand("presets", "List the chip presets");
  presets->callback([&exit_code]() {
    for (const auto& name : chip::preset_names()) std::cout << name << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
