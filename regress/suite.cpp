#include "regress/suite.h"

#include <cmath>
#include <set>

#include "base/errors.h"
#include "regress/yaml_reader.h"

namespace imcsim::regress {

namespace {

class SuiteReader {
 public:
  explicit SuiteReader(const std::string& file) : m_yaml(file) {}

  Suite read() const {
    const YAML::Node root = m_yaml.load();
    if (!root.IsMap()) {
      m_yaml.fail(root, "", "a suite is a mapping with golden, tolerances, ignore and cases");
    }
    m_yaml.check_keys(root, "", {"golden", "tolerances", "ignore", "cases"});
    Suite suite;
    suite.file = m_yaml.file();
    suite.golden_dir =
        m_yaml.relative_to_file(root["golden"] ? m_yaml.scalar<std::string>(root, "golden", "golden") : "golden");
    DiffRules rules;
    read_rules(root, "", rules);
    const YAML::Node cases = root["cases"];
    if (!cases) {
      m_yaml.fail(root, "cases", "a suite needs a list of cases");
    }
    if (!cases.IsSequence() || cases.size() == 0) {
      m_yaml.fail(YamlReader::key_node(root, "cases"), "cases", "expected a list of cases");
    }
    std::set<std::string> names;
    for (const auto& c : cases) {
      suite.cases.push_back(read_case(c, names, rules));
    }
    return suite;
  }

 private:
  Tolerance tolerance(const YAML::Node& parent, const std::string& key, const std::string& name) const {
    const YAML::Node node = m_yaml.mapping(parent, key, name);
    m_yaml.check_keys(node, name + ".", {"abs", "rel"});
    if (node.size() == 0) {
      m_yaml.fail(YamlReader::key_node(parent, key), name, "give abs, rel or both");
    }
    Tolerance t;
    for (const char* part : {"abs", "rel"}) {
      if (!node[part]) {
        continue;
      }
      const double value = m_yaml.scalar<double>(node, part, name + "." + part);
      if (!(value >= 0.0) || !std::isfinite(value)) {
        m_yaml.fail(YamlReader::key_node(node, part), name + "." + part, "a tolerance must be a finite number >= 0");
      }
      (std::string(part) == "abs" ? t.abs : t.rel) = value;
    }
    return t;
  }

  /// The `tolerances` and `ignore` sections of `node` (the suite, or a case with `at` "cases[NAME]."), each
  /// replacing what `rules` held.
  void read_rules(const YAML::Node& node, const std::string& at, DiffRules& rules) const {
    if (node["tolerances"]) {
      const YAML::Node t = m_yaml.mapping(node, "tolerances", at + "tolerances");
      m_yaml.check_keys(t, at + "tolerances.", {"default", "metrics"});
      rules.default_tolerance = DiffRules{}.default_tolerance;
      rules.tolerances.clear();
      if (t["default"]) {
        rules.default_tolerance = tolerance(t, "default", at + "tolerances.default");
      }
      if (t["metrics"]) {
        const YAML::Node metrics = m_yaml.mapping(t, "metrics", at + "tolerances.metrics");
        for (const auto& entry : metrics) {
          const std::string pattern = entry.first.Scalar();
          const std::string name = at + "tolerances.metrics." + pattern;
          check_pattern(entry.first, name, pattern);
          rules.tolerances.push_back({pattern, tolerance(metrics, pattern, name)});
        }
      }
    }
    if (node["ignore"]) {
      const YAML::Node ignore = node["ignore"];
      if (!ignore.IsSequence()) {
        m_yaml.fail(YamlReader::key_node(node, "ignore"), at + "ignore", "expected a list of JSON paths");
      }
      rules.ignore.clear();
      for (const auto& p : ignore) {
        if (!p.IsScalar()) {
          m_yaml.fail(p, at + "ignore", "expected a JSON path such as model_file");
        }
        check_pattern(p, at + "ignore", p.Scalar());
        rules.ignore.push_back(p.Scalar());
      }
    }
  }

  RegressCase read_case(const YAML::Node& node, std::set<std::string>& names, const DiffRules& suite_rules) const {
    if (!node.IsMap()) {
      m_yaml.fail(node, "cases", "each case is a mapping (name, chip, model, ...)");
    }
    std::set<std::string> keys = run_job_keys();
    keys.insert({"name", "tolerances", "ignore"});
    m_yaml.check_keys(node, "", keys);
    if (!node["name"]) {
      m_yaml.fail(node, "name", "every case needs a name");
    }
    const std::string name = m_yaml.scalar<std::string>(node, "name", "name");
    const bool valid_name =
        !name.empty() && name.front() != '.' &&
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
            std::string::npos;
    if (!valid_name) {
      m_yaml.fail(YamlReader::key_node(node, "name"), "name",
                  "'" + name + "' is not a file name (letters, digits, _ . -)");
    }
    if (!names.insert(name).second) {
      m_yaml.fail(YamlReader::key_node(node, "name"), "name", "a second case named '" + name + "'");
    }
    RegressCase c;
    static_cast<RunJob&>(c) = read_run_job(m_yaml, node, "cases[" + name + "].");
    c.name = name;
    c.line = node.Mark().line + 1;
    c.rules = suite_rules;
    read_rules(node, "cases[" + name + "].", c.rules);
    return c;
  }

  void check_pattern(const YAML::Node& at, const std::string& name, const std::string& pattern) const {
    try {
      path_segments(pattern);
    } catch (const std::invalid_argument& e) {
      m_yaml.fail(at, name, std::string("not a JSON path (") + e.what() + ")");
    }
  }

  YamlReader m_yaml;
};

}  // namespace

Suite load_suite(const std::string& path) { return SuiteReader(path).read(); }

}  // namespace imcsim::regress
