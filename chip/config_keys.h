#pragma once
// The keys of the chip configuration: one declarative entry per key (chip/config_keys.cpp) that names the field
// it sets, its type, range, unit, a one-line description and whether it changes only timing. The one table
// drives reading a YAML file and its errors (parse_chip_config), writing it back (to_yaml, `imcsim config
// show`), `imcsim config keys`, the documentation check (tests/chip/config_doc_test.cpp) and the sweep's reuse of
// accuracy across design points (timing_only_key).
//
// Adding a key: the field in its config struct, one entry in config_keys.cpp, one row in docs/configuration.md.
//
// Contract: keys are in file order (the order `config show` prints and a file is read, section by section);
// names are "section.key" (or "key" at the top level) and unique.

#include <functional>
#include <string>
#include <vector>

#include "chip/chip_config.h"

namespace imcsim {
class YamlSection;
}

namespace imcsim::chip {

struct ConfigKey {
  std::string name;         ///< dotted, as --set, sweeps and reports name it: "cores.count"
  std::string type;         ///< integer, real, boolean, text or choice
  std::string unit;         ///< as docs/configuration.md's unit column ("cores", "MHz", "choice", ...)
  std::string range;        ///< the values it accepts, as the docs' range column ("1..4096", "`lt`, `at`")
  std::string description;  ///< one line
  /// Changes only the chip's timing and costs, never a number it computes (design points that differ only in
  /// such keys have the same accuracy).
  bool timing_only = false;
  /// Reads the key `leaf` (the name's part after the section) from its section into `config`; leaves the
  /// default when the key is absent; fails through the section (file:line:key) on a bad value.
  std::function<void(YamlSection& section, const std::string& leaf, ChipConfig& config)> read;
  /// The resolved value as YAML scalar text (what `config show` prints).
  std::function<std::string(const ChipConfig& config)> value;

  /// "cores" of "cores.count"; "" at the top level.
  std::string section() const;
  /// "count" of "cores.count".
  std::string leaf() const;
};

/// Every key, in file order.
const std::vector<ConfigKey>& config_keys();
/// The key of that dotted name, or nullptr.
const ConfigKey* find_config_key(const std::string& dotted_name);

}  // namespace imcsim::chip
