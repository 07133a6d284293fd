// The configuration schema against its documentation: every key of the table (chip/config_keys.h) must have a
// row in docs/configuration.md's tables with the table's unit and range and the default that a file without keys
// gets, and every documented key must exist.
//
// The tables: under "## Keys", one "### `section`" heading per section ("### top level" for keys without one),
// then rows "| `key` | meaning | unit | range | default |"; the default cell's first `code` span is the value.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "chip/config_keys.h"

namespace {

const std::string source_dir = IMCSIM_SOURCE_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

/// The first `code` span of a cell, or "" when it has none.
std::string first_code(const std::string& cell) {
  const auto b = cell.find('`');
  if (b == std::string::npos) return "";
  const auto e = cell.find('`', b + 1);
  return e == std::string::npos ? "" : cell.substr(b + 1, e - b - 1);
}

struct DocRow {
  int line = 0;
  std::vector<std::string> cells;  ///< key, meaning, unit, range, default
};

/// docs/configuration.md's key tables -> "section.key" -> row.
std::map<std::string, DocRow> documented_keys(const std::string& markdown) {
  std::map<std::string, DocRow> keys;
  std::istringstream in(markdown);
  std::string line, section;
  bool in_keys = false;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("## ", 0) == 0) in_keys = line == "## Keys";
    if (!in_keys) continue;
    if (line.rfind("### ", 0) == 0) {
      section = first_code(line);  // "### top level": none
      continue;
    }
    if (line.rfind("| `", 0) != 0) continue;
    // Split on '|' not escaped as "\|".
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    const std::string key = first_code(cells.empty() ? "" : cells[0]);
    keys[section.empty() ? key : section + "." + key] = DocRow{number, cells};
  }
  return keys;
}

bool same_value(const std::string& documented, const std::string& shown) {
  if (documented == shown) return true;
  char* end_d = nullptr;
  char* end_s = nullptr;
  const double d = std::strtod(documented.c_str(), &end_d);
  const double s = std::strtod(shown.c_str(), &end_s);
  return !documented.empty() && !shown.empty() && *end_d == '\0' && *end_s == '\0' && d == s;
}

class ConfigDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    const imcsim::chip::ChipConfig defaults = imcsim::chip::parse_chip_config("{}", "empty.yaml");
    for (const auto& key : imcsim::chip::config_keys()) shown[key.name] = key.value(defaults);
    ASSERT_GT(shown.size(), 50u);
    const std::string doc = read_file(source_dir + "/docs/configuration.md");
    ASSERT_FALSE(doc.empty());
    documented = documented_keys(doc);
  }
  std::map<std::string, std::string> shown;  ///< key -> default
  std::map<std::string, DocRow> documented;
};

TEST_F(ConfigDoc, EveryKeyOfTheConfigIsDocumentedWithUnitRangeAndDefault) {
  for (const auto& key : imcsim::chip::config_keys()) {
    const auto it = documented.find(key.name);
    if (it == documented.end()) {
      ADD_FAILURE() << "'" << key.name << "' is a config key but has no row in docs/configuration.md";
      continue;
    }
    const DocRow& row = it->second;
    ASSERT_EQ(row.cells.size(), 5u) << "docs/configuration.md:" << row.line << ": '" << key.name
                                    << "' needs | key | meaning | unit | range | default |";
    for (std::size_t c = 1; c < 5; ++c) {
      EXPECT_FALSE(row.cells[c].empty()) << "docs/configuration.md:" << row.line << ": '" << key.name << "' column "
                                         << c;
    }
    EXPECT_EQ(row.cells[2], key.unit) << "docs/configuration.md:" << row.line << ": '" << key.name
                                      << "' unit differs from chip/config_keys.cpp";
    EXPECT_EQ(row.cells[3], key.range) << "docs/configuration.md:" << row.line << ": '" << key.name
                                       << "' range differs from chip/config_keys.cpp";
    const std::string documented_default = first_code(row.cells[4]);
    const std::string value = shown.at(key.name);
    EXPECT_TRUE(same_value(unquote(documented_default), value))
        << "docs/configuration.md:" << row.line << ": '" << key.name << "' default is documented as `"
        << documented_default << "`, config show gives '" << value << "'";
  }
}

TEST_F(ConfigDoc, EveryDocumentedKeyExists) {
  for (const auto& [key, row] : documented) {
    EXPECT_TRUE(shown.count(key) == 1) << "docs/configuration.md:" << row.line << ": '" << key
                                       << "' is documented but the config has no such key";
  }
}

}  // namespace
