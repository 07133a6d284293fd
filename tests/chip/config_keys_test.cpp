// chip/config_keys.h: the table's own invariants, and that its entries read what they print.

#include "chip/config_keys.h"

#include <gtest/gtest.h>

#include <set>

#include "base/errors.h"

namespace imcsim::chip {
namespace {

TEST(ConfigKeys, NamesAreUniqueAndSectionsContiguous) {
  std::set<std::string> names, closed;
  std::string open;
  for (const auto& k : config_keys()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name << " twice";
    EXPECT_FALSE(k.type.empty() || k.unit.empty() || k.range.empty() || k.description.empty()) << k.name;
    EXPECT_TRUE(k.read && k.value) << k.name;
    if (k.section() != open) {
      EXPECT_EQ(closed.count(k.section()), 0u) << k.name << ": section " << k.section() << " is split";
      closed.insert(open);
      open = k.section();
    }
    EXPECT_EQ(find_config_key(k.name), &k);
  }
  EXPECT_EQ(find_config_key("cores.colz"), nullptr);
}

TEST(ConfigKeys, TimingOnlyKeyFollowsTheTable) {
  for (const auto& k : config_keys()) EXPECT_EQ(timing_only_key(k.name), k.timing_only) << k.name;
  EXPECT_TRUE(timing_only_key("interconnect.link_width_bits"));
  EXPECT_TRUE(timing_only_key("digital.clock_mhz"));
  EXPECT_FALSE(timing_only_key("interconnect.grid_x"));
  EXPECT_FALSE(timing_only_key("adc.bits"));
  EXPECT_FALSE(timing_only_key("interconnect.no_such_key"));
}

TEST(ConfigKeys, EveryKeyReadsBackWhatItPrints) {
  const ChipConfig defaults = default_chip_config();
  for (const auto& k : config_keys()) {
    if (k.name == "technology") continue;  // a path, resolved relative to the file
    const std::string value = k.value(defaults);
    const ChipConfig again = parse_chip_config("{}", "empty.yaml", {k.name + "=" + value});
    EXPECT_EQ(k.value(again), value) << k.name;
  }
}

TEST(ConfigKeys, ChoicesListTheirNamesAndRejectOthers) {
  const ConfigKey* mode = find_config_key("interconnect.mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->type, "choice");
  EXPECT_EQ(mode->range, "`lt`, `at`");
  EXPECT_EQ(parse_chip_config("{}", "x.yaml", {"interconnect.mode=at"}).interconnect.mode,
            interconnect::NetworkMode::at);
  try {
    parse_chip_config("{}", "x.yaml", {"interconnect.mode=ca"});
    FAIL() << "mode ca accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "--set: 'interconnect.mode': unknown value 'ca' (known: lt, at)");
  }
  const ConfigKey* count = find_config_key("cores.count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->range, "1..4096");
  EXPECT_EQ(find_config_key("sim.quantum_ns")->range, "1e-3..1e12");
}

}  // namespace
}  // namespace imcsim::chip
