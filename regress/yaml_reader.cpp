#include "regress/yaml_reader.h"

#include <fstream>
#include <sstream>

namespace imcsim::regress {

YamlReader::YamlReader(std::string file)
    : m_file(std::move(file)), m_dir(std::filesystem::path(m_file).parent_path()) {}

YAML::Node YamlReader::load() const {
  std::ifstream in(m_file);
  if (!in) {
    throw InputError(m_file, 0, 0, "", "cannot open the file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    throw InputError(m_file, e.mark.line + 1, e.mark.column + 1, "", e.msg);
  }
}

void YamlReader::fail(const YAML::Node& at, const std::string& key, const std::string& message) const {
  const YAML::Mark mark = at.Mark();
  throw InputError(m_file, mark.line + 1, mark.column + 1, key, message);
}

YAML::Node YamlReader::key_node(const YAML::Node& map, const std::string& key) {
  for (const auto& entry : map) {
    if (entry.first.Scalar() == key) {
      return entry.first;
    }
  }
  return map;
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& prefix,
                            const std::set<std::string>& allowed) const {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      fail(entry.first, prefix + key, "duplicate key");
    }
    if (allowed.count(key) == 0) {
      std::string expected;
      for (const auto& a : allowed) {
        expected += (expected.empty() ? "" : ", ") + a;
      }
      fail(entry.first, prefix + key, "unknown key (expected one of: " + expected + ")");
    }
  }
}

YAML::Node YamlReader::mapping(const YAML::Node& parent, const std::string& key, const std::string& name) const {
  const YAML::Node node = parent[key];
  if (!node.IsMap()) {
    fail(key_node(parent, key), name, "expected a mapping of keys");
  }
  return node;
}

std::string YamlReader::relative_to_file(const std::string& path) const {
  if (std::filesystem::path(path).is_absolute() || m_dir.empty()) {
    return path;
  }
  return (m_dir / path).lexically_normal().string();
}

bool YamlReader::looks_like_file(const std::string& s, const std::string& extension) {
  return s.find('/') != std::string::npos ||
         (s.size() > extension.size() && s.compare(s.size() - extension.size(), extension.size(), extension) == 0);
}

}  // namespace imcsim::regress
