#include "base/yaml_section.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace imcsim {

namespace {
YAML::Node parse(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(name, e.mark.line + 1, e.mark.column + 1, "", e.msg);
  }
}
}  // namespace

YamlSection YamlSection::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path);
}

YamlSection YamlSection::load_string(const std::string& text, const std::string& name) {
  YAML::Node root = parse(text, name);
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw InputError(name, root.Mark().line + 1, root.Mark().column + 1, "", "expected a mapping");
  return YamlSection(root, name, "");
}

YamlSection::YamlSection(YAML::Node node, std::string file, std::string prefix)
    : m_node(std::move(node)), m_file(std::move(file)), m_prefix(std::move(prefix)) {}

bool YamlSection::has(const std::string& key) const { return m_node.IsMap() && child(key); }

YamlSection YamlSection::section(const std::string& key) {
  m_used->insert(key);
  YamlSection nested(YAML::Node(YAML::NodeType::Map), m_file, dotted(key));
  nested.m_overridden = m_overridden;
  // An absent key, or one whose entries are all commented out (a null value), leaves every default.
  if (!has(key) || child(key).IsNull()) return nested;
  const YAML::Node node = child(key);
  if (!node.IsMap()) fail(key, "expected a mapping of keys");
  nested.m_node = node;
  return nested;
}

std::vector<YamlSection> YamlSection::sections(const std::string& key) {
  m_used->insert(key);
  std::vector<YamlSection> list;
  if (!has(key) || child(key).IsNull()) return list;
  const YAML::Node node = child(key);
  if (!node.IsSequence()) fail(key, "expected a list of mappings");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_key = key + "[" + std::to_string(i) + "]";
    if (!node[i].IsMap()) fail_at(item_key, node[i].Mark(), "expected a mapping of keys");
    YamlSection item(node[i], m_file, dotted(item_key));
    item.m_overridden = m_overridden;
    list.push_back(std::move(item));
  }
  return list;
}

void YamlSection::apply_override(const std::string& assignment) {
  const auto equals = assignment.find('=');
  const std::string path = assignment.substr(0, equals);
  if (equals == std::string::npos || path.empty()) {
    throw InputError("--set", 0, 0, path, "expected key.path=value, got '" + assignment + "'");
  }
  const std::string value = assignment.substr(equals + 1);
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    throw InputError("--set", 0, 0, path, "cannot parse value '" + value + "': " + e.msg);
  }
  if (!parsed.IsScalar()) throw InputError("--set", 0, 0, path, "expected a single value, got '" + value + "'");
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.');; dot = path.find('.', start)) {
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // yaml-cpp nodes are handles: walking with reset() keeps every level attached to the root.
  YAML::Node node;
  node.reset(m_node);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) throw InputError("--set", 0, 0, path, "empty key in the path");
    YAML::Node next = node[parts[i]];
    if (next.IsDefined() && !next.IsNull() && !next.IsMap()) {
      throw InputError("--set", 0, 0, path, "'" + parts[i] + "' is a value, not a section");
    }
    if (!next.IsDefined() || next.IsNull()) next = YAML::Node(YAML::NodeType::Map);
    node[parts[i]] = next;
    node.reset(next);
  }
  node[parts.back()] = parsed;
  m_overridden->insert(m_prefix.empty() ? path : m_prefix + "." + path);
}

void YamlSection::finish() const {
  if (!m_node.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& entry : m_node) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) fail_at(key, entry.first.Mark(), "duplicate key");
    if (m_used->count(key) == 0) fail_at(key, entry.first.Mark(), "unknown key");
  }
}

void YamlSection::fail(const std::string& key, const std::string& message) const {
  // Point at the key itself: a nested mapping's own mark is its first child's line.
  YAML::Mark mark = m_node.Mark();
  if (m_node.IsMap()) {
    for (const auto& entry : m_node) {
      if (entry.first.Scalar() == key) mark = entry.first.Mark();
    }
  }
  fail_at(key, mark, message);
}

void YamlSection::fail_path(const std::string& dotted_path, const std::string& message) const {
  YAML::Node node;
  node.reset(m_node);
  YAML::Mark mark = m_node.Mark();
  std::size_t start = 0;
  while (node.IsMap()) {
    const auto dot = dotted_path.find('.', start);
    const std::string part = dotted_path.substr(start, dot - start);
    bool found = false;
    for (const auto& entry : node) {
      if (entry.first.Scalar() == part) {
        mark = entry.first.Mark();
        node.reset(entry.second);
        found = true;
        break;
      }
    }
    if (!found || dot == std::string::npos) break;
    start = dot + 1;
  }
  fail_at(dotted_path, mark, message);
}

void YamlSection::fail_at(const std::string& key, const YAML::Mark& mark, const std::string& message) const {
  // A key set or created by an override has no position in the file; name the override instead.
  const std::string name = dotted(key);
  for (std::string prefix = name;;) {
    if (m_overridden->count(prefix) != 0) throw InputError("--set", 0, 0, name, message);
    const auto dot = prefix.rfind('.');
    if (dot == std::string::npos) break;
    prefix.resize(dot);
  }
  throw InputError(m_file, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1, name, message);
}

}  // namespace imcsim
