#pragma once
// Reading the command files of imcsim (regress suites, sweep files) with yaml-cpp, where every error names the
// file, the line and column, and the key. Unlike base/yaml_section.h (resolved chip configs), these files are
// read by hand: their keys depend on each other (model or workload or trace), so each reader checks its own.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>

#include "base/errors.h"

namespace imcsim::regress {

class YamlReader {
 public:
  explicit YamlReader(std::string file);

  /// Parses the file; a missing file or a syntax error throws an InputError naming it.
  YAML::Node load() const;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& message) const;

  /// The node of `key` in `map` (for error positions): the key itself, or the map when it is absent.
  static YAML::Node key_node(const YAML::Node& map, const std::string& key);

  /// Fails on a duplicate key or one not in `allowed`; `prefix` is put before the key in the message.
  void check_keys(const YAML::Node& map, const std::string& prefix, const std::set<std::string>& allowed) const;

  /// parent[key], which must be a mapping; `name` is the key's full name in messages.
  YAML::Node mapping(const YAML::Node& parent, const std::string& key, const std::string& name) const;

  /// parent[key] read as T; fails when it is not a scalar of that type.
  template <typename T>
  T scalar(const YAML::Node& parent, const std::string& key, const std::string& name) const {
    const YAML::Node node = parent[key];
    if (!node.IsScalar()) {
      fail(key_node(parent, key), name, "expected a single value");
    }
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      fail(key_node(parent, key), name, "cannot read '" + node.Scalar() + "' as the expected type");
    }
  }

  /// `path` as written in the file, resolved against the file's directory when relative.
  std::string relative_to_file(const std::string& path) const;

  /// Whether a chip, model or data set argument names a file (has a '/' or ends in `extension`) rather than a
  /// preset or zoo name.
  static bool looks_like_file(const std::string& s, const std::string& extension);

  const std::string& file() const { return m_file; }

 private:
  std::string m_file;
  std::filesystem::path m_dir;
};

}  // namespace imcsim::regress
