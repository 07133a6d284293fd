// Every key that the config table (chip/config_keys.h) marks timing-only must change a figure of a timed run:
// `imcsim run --model lstm --timing-only` (the zoo LSTM uses every unit: arrays, digital and global digital
// units, buffers, the network) with the key changed against the same run with its default. A key that by design
// moves no figure is named below with its reason (and must then move none). A new timing-only key is covered
// without touching this file: numbers are doubled (0 becomes 1), choices take another name.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "chip/config_keys.h"
#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::read_file;
using imcsim::test::run_imcsim;
using imcsim::test::scratch_path;

/// Timing-only keys that by design move no figure, and why.
const std::map<std::string, std::string> moves_no_figure = {
    {"sim.quantum_ns",
     "the temporal-decoupling quantum trades simulation speed only: cores and links book their time by the same "
     "rules whatever the quantum (cores/core_timing.h, firmware/stream_rules.h)"},
};

/// Settings under which a key acts at all: the flit-level network's buffers and virtual channels.
const std::map<std::string, std::string> context = {
    {"interconnect.buffer_flits", "interconnect.mode=at"},
    // The LSTM's 156 rows on cores of 128 rows: two row tiles, so its chains add partial sums.
    {"digital.accumulate_pipeline_stages", "cores.rows=128"},
    {"interconnect.virtual_channels", "interconnect.mode=at"},
};

const char* const figures[] = {"latency.per_inference_ns", "latency.mean_inference_ns", "throughput.interval_ns",
                               "energy.per_inference_uj",  "programming.time_ns",       "programming.energy_uj"};

/// The names of a choice key's range, "`mesh`, `torus`" -> mesh, torus.
std::vector<std::string> choice_names(const std::string& range) {
  std::vector<std::string> names;
  for (auto b = range.find('`'); b != std::string::npos; b = range.find('`', range.find('`', b + 1) + 1)) {
    names.push_back(range.substr(b + 1, range.find('`', b + 1) - b - 1));
  }
  return names;
}

class TimingOnlyKeys : public ::testing::Test {
 protected:
  /// A value other than the default, or "" when the key's type has no rule.
  std::string changed_value(const imcsim::chip::ConfigKey& key, const std::string& value) {
    if (key.name == "technology") {
      // Every technology key is optional (the built-in table's value); one changed value is a different table.
      const std::string path = scratch_path("technology") + ".yaml";
      std::ofstream(path) << "name: leaky\nstatic:\n  core_power_mw: 10\n";
      return path;
    }
    if (key.type == "choice") {
      for (const auto& name : choice_names(key.range)) {
        if (name != value) return name;
      }
    }
    if (key.type == "boolean") return value == "true" ? "false" : "true";
    if (key.type == "integer" || key.type == "real") {
      const double v = std::stod(value);
      std::ostringstream out;
      out << (v > 0 ? 2 * v : 1.0);
      return out.str();
    }
    return "";
  }

  /// The figures of a timed run of the zoo LSTM with these overrides.
  std::map<std::string, double> run(const std::vector<std::string>& sets) {
    const std::string out = scratch_path("timing_only_" + std::to_string(m_runs++));
    std::string args = "run --model lstm --timing-only --no-timeline --out '" + out + "'";
    for (const auto& s : sets) args += " --set '" + s + "'";
    const imcsim::test::RunResult r = run_imcsim(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    std::map<std::string, double> values;
    if (r.exit_code != 0) return values;
    const auto report = nlohmann::json::parse(read_file(out + "/report.json"));
    for (const char* f : figures) {
      const std::string path(f);
      const auto dot = path.find('.');
      values[path] = report.at(path.substr(0, dot)).at(path.substr(dot + 1)).get<double>();
    }
    return values;
  }

  int m_runs = 0;
};

TEST_F(TimingOnlyKeys, EveryTimingOnlyKeyMovesAFigure) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  const imcsim::chip::ChipConfig defaults = imcsim::chip::load_chip_config("hermes64");
  std::map<std::string, std::map<std::string, double>> reference;  ///< by context
  int tried = 0;
  for (const auto& key : imcsim::chip::config_keys()) {
    if (!key.timing_only) continue;
    SCOPED_TRACE(key.name);
    const std::string value = changed_value(key, key.value(defaults));
    ASSERT_FALSE(value.empty()) << "no rule changes '" << key.name << "' (type " << key.type
                                << "): give it a value in tests/apps/timing_only_keys_test.cpp";
    std::vector<std::string> sets;
    const auto c = context.find(key.name);
    if (c != context.end()) sets.push_back(c->second);
    const std::string context_name = sets.empty() ? "" : sets[0];
    if (reference.count(context_name) == 0) reference[context_name] = run(sets);
    sets.push_back(key.name + "=" + value);
    const std::map<std::string, double> changed = run(sets);
    ASSERT_EQ(changed.size(), reference[context_name].size());
    std::string moved;
    for (const auto& [figure, v] : changed) {
      if (v != reference[context_name].at(figure)) moved += " " + figure;
    }
    const auto why = moves_no_figure.find(key.name);
    if (why != moves_no_figure.end()) {
      EXPECT_TRUE(moved.empty()) << key.name << "=" << value << " moved" << moved << ", although " << why->second;
    } else {
      EXPECT_FALSE(moved.empty()) << key.name << "=" << value << " (default " << key.value(defaults)
                                  << ") moved no figure of the timed LSTM run";
    }
    ++tried;
  }
  EXPECT_GE(tried, 18);
  for (const auto& [name, why] : moves_no_figure) {
    const auto* key = imcsim::chip::find_config_key(name);
    EXPECT_TRUE(key != nullptr && key->timing_only)
        << name << " is listed as moving no figure but is no timing-only key";
  }
}

}  // namespace
