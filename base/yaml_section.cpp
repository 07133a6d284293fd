#include "base/yaml_section.h"

#include <fstream>
#include <sstream>

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
  // An absent key, or one whose entries are all commented out (a null value), leaves every default.
  if (!has(key) || child(key).IsNull()) return YamlSection(YAML::Node(YAML::NodeType::Map), m_file, dotted(key));
  const YAML::Node node = child(key);
  if (!node.IsMap()) fail(key, "expected a mapping of keys");
  return YamlSection(node, m_file, dotted(key));
}

void YamlSection::finish() const {
  if (!m_node.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& entry : m_node) {
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      const YAML::Mark mark = entry.first.Mark();
      throw InputError(m_file, mark.line + 1, mark.column + 1, dotted(key), "duplicate key");
    }
    if (m_used->count(key) == 0) {
      const YAML::Mark mark = entry.first.Mark();
      throw InputError(m_file, mark.line + 1, mark.column + 1, dotted(key), "unknown key");
    }
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
  throw InputError(m_file, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1, dotted(key),
                   message);
}

}  // namespace imcsim
