#pragma once
// Reading YAML mappings into resolved config structs, with errors that name the file, position and key.
//
// Contract: a YamlSection remembers every key its reader asked for; finish() then fails on the first key
// nobody asked for, so a misspelt key is an error, never silently ignored. Include this header only in
// the .cpp files that load configs (it pulls in yaml-cpp).

#include <yaml-cpp/yaml.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/errors.h"

namespace imcsim {

class YamlSection {
 public:
  /// Parses `path`; a syntax error becomes an InputError at the parser's position.
  static YamlSection load_file(const std::string& path);
  /// Parses YAML text; `name` stands for the file in messages.
  static YamlSection load_string(const std::string& text, const std::string& name);

  YamlSection(YAML::Node node, std::string file, std::string prefix);

  /// Applies a command-line override "dotted.key=value" to this (root) mapping; the value is read as YAML
  /// (numbers, booleans, strings). Errors about an overridden key then name "--set" instead of a file position.
  void apply_override(const std::string& assignment);

  bool has(const std::string& key) const;
  /// Reads an optional scalar key into `value`; leaves `value` unchanged when the key is absent.
  template <typename T>
  void read(const std::string& key, T& value);
  /// Reads an optional scalar that must lie in [lo, hi].
  template <typename T>
  void read_in_range(const std::string& key, T& value, T lo, T hi);
  /// A nested mapping; an absent key gives an empty section (all defaults).
  YamlSection section(const std::string& key);
  /// A list of mappings, each named "key[i]" in messages; an absent key gives an empty list.
  std::vector<YamlSection> sections(const std::string& key);
  /// Reads an optional list of scalars into `values`; leaves `values` unchanged when the key is absent.
  template <typename T>
  void read_list(const std::string& key, std::vector<T>& values);
  /// Fails on the first key of this mapping that was never read.
  void finish() const;

  /// Throws an InputError at `key`'s position (or the mapping's when the key is absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  /// Throws an InputError at the position of a dotted path below this mapping ("adc.bits"), or at the
  /// deepest part of it that exists.
  [[noreturn]] void fail_path(const std::string& dotted_path, const std::string& message) const;
  std::string dotted(const std::string& key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }
  const std::string& file() const { return m_file; }
  /// The mapping's line in its file (1-based; 0 for an empty mapping made in code).
  int line() const { return m_node.Mark().is_null() ? 0 : m_node.Mark().line + 1; }

 private:
  /// Throws at `key` with the override's name or the file position.
  [[noreturn]] void fail_at(const std::string& key, const YAML::Mark& mark, const std::string& message) const;
  /// Looks a key up without inserting it (yaml-cpp's non-const operator[] may add the key).
  YAML::Node child(const std::string& key) const { return static_cast<const YAML::Node&>(m_node)[key]; }

  YAML::Node m_node;
  std::string m_file;
  std::string m_prefix;
  std::shared_ptr<std::set<std::string>> m_used = std::make_shared<std::set<std::string>>();
  std::shared_ptr<std::set<std::string>> m_overridden = std::make_shared<std::set<std::string>>();
};

template <typename T>
void YamlSection::read(const std::string& key, T& value) {
  m_used->insert(key);
  if (!has(key)) return;
  const YAML::Node node = child(key);
  if (!node.IsScalar()) fail(key, "expected a single value");
  try {
    value = node.as<T>();
  } catch (const YAML::Exception&) {
    fail(key, "cannot read '" + node.Scalar() + "' as the expected type");
  }
}

template <typename T>
void YamlSection::read_list(const std::string& key, std::vector<T>& values) {
  m_used->insert(key);
  if (!has(key)) return;
  const YAML::Node node = child(key);
  if (!node.IsSequence()) fail(key, "expected a list of values");
  std::vector<T> read_values;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_key = key + "[" + std::to_string(i) + "]";
    if (!item.IsScalar()) fail_at(item_key, item.Mark(), "expected a single value");
    try {
      read_values.push_back(item.as<T>());
    } catch (const YAML::Exception&) {
      fail_at(item_key, item.Mark(), "cannot read '" + item.Scalar() + "' as the expected type");
    }
  }
  values = std::move(read_values);
}

template <typename T>
void YamlSection::read_in_range(const std::string& key, T& value, T lo, T hi) {
  read(key, value);
  if (!(value >= lo && value <= hi)) {
    std::ostringstream message;
    message << "value " << value << " is outside [" << lo << ", " << hi << "]";
    fail(key, message.str());
  }
}

}  // namespace imcsim
