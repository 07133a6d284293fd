// ChipConfig -> YAML: every key of the table (chip/config_keys.h) with its resolved value, in file order
// (imcsim config show).

#include <yaml-cpp/yaml.h>

#include "chip/chip_config.h"
#include "chip/config_keys.h"

namespace imcsim::chip {

std::string to_yaml(const ChipConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string open;  ///< the section being written; "" at the top level
  for (const ConfigKey& key : config_keys()) {
    const std::string section = key.section();
    if (section != open) {
      if (!open.empty()) out << YAML::EndMap;
      if (!section.empty()) out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      open = section;
    }
    out << YAML::Key << key.leaf() << YAML::Value << key.value(c);
  }
  if (!open.empty()) out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace imcsim::chip
