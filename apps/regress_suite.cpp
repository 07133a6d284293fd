#include "apps/regress_suite.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/durations.h"
#include "base/errors.h"
#include "chip/chip_config.h"
#include "workloads/model_zoo.h"
#include "workloads/shape_workload.h"

namespace imcsim::apps {

namespace {

namespace fs = std::filesystem;

class SuiteReader {
 public:
  explicit SuiteReader(std::string file) : m_file(std::move(file)), m_dir(fs::path(m_file).parent_path()) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& message) const {
    const YAML::Mark mark = at.Mark();
    throw InputError(m_file, mark.line + 1, mark.column + 1, key, message);
  }

  /// The node of `key` in `map` (for error positions): the key itself, or the map when it is absent.
  YAML::Node key_node(const YAML::Node& map, const std::string& key) const {
    for (const auto& entry : map) {
      if (entry.first.Scalar() == key) {
        return entry.first;
      }
    }
    return map;
  }

  void check_keys(const YAML::Node& map, const std::string& prefix, const std::set<std::string>& allowed) const {
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

  YAML::Node mapping(const YAML::Node& parent, const std::string& key, const std::string& name) const {
    const YAML::Node node = parent[key];
    if (!node.IsMap()) {
      fail(key_node(parent, key), name, "expected a mapping of keys");
    }
    return node;
  }

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

  Tolerance tolerance(const YAML::Node& parent, const std::string& key, const std::string& name) const {
    const YAML::Node node = mapping(parent, key, name);
    check_keys(node, name + ".", {"abs", "rel"});
    if (node.size() == 0) {
      fail(key_node(parent, key), name, "give abs, rel or both");
    }
    Tolerance t;
    for (const char* part : {"abs", "rel"}) {
      if (!node[part]) {
        continue;
      }
      const double value = scalar<double>(node, part, name + "." + part);
      if (!(value >= 0.0) || !std::isfinite(value)) {
        fail(key_node(node, part), name + "." + part, "a tolerance must be a finite number >= 0");
      }
      (std::string(part) == "abs" ? t.abs : t.rel) = value;
    }
    return t;
  }

  std::string relative_to_suite(const std::string& path) const {
    if (fs::path(path).is_absolute() || m_dir.empty()) {
      return path;
    }
    return (m_dir / path).lexically_normal().string();
  }

  static bool looks_like_file(const std::string& s, const std::string& extension) {
    return s.find('/') != std::string::npos ||
           (s.size() > extension.size() && s.compare(s.size() - extension.size(), extension.size(), extension) == 0);
  }

  RegressCase read_case(const YAML::Node& node, std::set<std::string>& names) const {
    if (!node.IsMap()) {
      fail(node, "cases", "each case is a mapping (name, chip, model, ...)");
    }
    RegressCase c;
    c.line = node.Mark().line + 1;
    check_keys(node, "",
               {"name", "chip", "set", "model", "workload", "trace", "dataset", "images", "drift_times", "seed",
                "timing_only"});
    if (!node["name"]) {
      fail(node, "name", "every case needs a name");
    }
    c.name = scalar<std::string>(node, "name", "name");
    const bool valid_name =
        !c.name.empty() && c.name.front() != '.' &&
        c.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
            std::string::npos;
    if (!valid_name) {
      fail(key_node(node, "name"), "name", "'" + c.name + "' is not a file name (letters, digits, _ . -)");
    }
    if (!names.insert(c.name).second) {
      fail(key_node(node, "name"), "name", "a second case named '" + c.name + "'");
    }
    const std::string at = "cases[" + c.name + "].";

    if (node["chip"]) {
      c.chip = scalar<std::string>(node, "chip", at + "chip");
    }
    if (looks_like_file(c.chip, ".yaml") || looks_like_file(c.chip, ".yml")) {
      c.chip = relative_to_suite(c.chip);
    }
    if (node["set"]) {
      const YAML::Node set = mapping(node, "set", at + "set");
      for (const auto& entry : set) {
        const std::string key = entry.first.Scalar();
        if (!entry.second.IsScalar()) {
          fail(entry.first, at + "set", "expected a single value for " + key);
        }
        std::string assignment = key;
        assignment += '=';
        assignment += entry.second.Scalar();
        c.overrides.push_back(assignment);
      }
    }
    try {
      chip::load_chip_config(c.chip, c.overrides);
    } catch (const Error& e) {
      fail(key_node(node, c.overrides.empty() ? "chip" : "set"), at + (c.overrides.empty() ? "chip" : "set"), e.what());
    }

    int sources = 0;
    for (const char* kind : {"model", "workload", "trace"}) {
      if (!node[kind]) {
        continue;
      }
      if (++sources > 1) {
        fail(key_node(node, kind), at + kind, "give one of model, workload and trace");
      }
      c.source = scalar<std::string>(node, kind, at + kind);
      c.kind = std::string(kind) == "model"      ? CaseKind::model
               : std::string(kind) == "workload" ? CaseKind::workload
                                                 : CaseKind::trace;
    }
    if (sources == 0) {
      fail(node, at + "model", "every case needs a model, a workload or a trace");
    }
    if (c.kind == CaseKind::trace) {
      // A replay re-times recorded events: no accuracy path and no random draws.
      for (const char* key : {"dataset", "images", "drift_times", "timing_only", "seed"}) {
        if (node[key]) {
          fail(key_node(node, key), at + key, "a trace case replays timing only, so no " + std::string(key));
        }
      }
      c.source = relative_to_suite(c.source);
      if (!fs::is_regular_file(c.source)) {
        fail(key_node(node, "trace"), at + "trace", "no trace file '" + c.source + "'");
      }
      return c;
    }
    if (c.kind == CaseKind::workload) {
      // Shape-only workloads have no weights: timing and energy only, so the accuracy path's keys mean nothing.
      for (const char* key : {"dataset", "images", "drift_times", "timing_only"}) {
        if (node[key]) {
          fail(key_node(node, key), at + key, "a workload case has no accuracy path, so no " + std::string(key));
        }
      }
      c.source = relative_to_suite(c.source);
      try {
        workloads::load_shape_workload(c.source);
      } catch (const Error& e) {
        fail(key_node(node, "workload"), at + "workload", e.what());
      }
      if (node["seed"]) {
        c.seed = scalar<std::uint64_t>(node, "seed", at + "seed");
      }
      return c;
    }
    if (looks_like_file(c.source, ".onnx")) {
      c.source = relative_to_suite(c.source);
    }
    if (!fs::exists(workloads::resolve_model(c.source))) {
      fail(key_node(node, "model"), at + "model", "'" + c.source + "' is neither a zoo model nor an .onnx file");
    }
    if (node["timing_only"]) {
      c.timing_only = scalar<bool>(node, "timing_only", at + "timing_only");
    }

    if (node["dataset"]) {
      c.dataset = scalar<std::string>(node, "dataset", at + "dataset");
    }
    if (looks_like_file(c.dataset, ".yaml") || looks_like_file(c.dataset, ".yml")) {
      c.dataset = relative_to_suite(c.dataset);
    }
    if (node["images"]) {
      c.images = scalar<int>(node, "images", at + "images");
      if (c.images < 0) {
        fail(key_node(node, "images"), at + "images", "expected a count >= 0 (0: every image)");
      }
    }
    if (node["drift_times"]) {
      const YAML::Node times = node["drift_times"];
      if (times.IsSequence()) {
        c.drift_times.clear();
        for (const auto& t : times) {
          if (!t.IsScalar()) {
            fail(t, at + "drift_times", "expected durations such as 1h");
          }
          c.drift_times += (c.drift_times.empty() ? "" : ",") + t.Scalar();
        }
      } else {
        c.drift_times = scalar<std::string>(node, "drift_times", at + "drift_times");
      }
      try {
        if (parse_durations_s(c.drift_times, "drift_times").empty()) {
          throw Error("no drift time");
        }
      } catch (const Error& e) {
        fail(key_node(node, "drift_times"), at + "drift_times", e.what());
      }
    }
    if (node["seed"]) {
      c.seed = scalar<std::uint64_t>(node, "seed", at + "seed");
    }
    return c;
  }

  Suite read(const YAML::Node& root) const {
    if (!root.IsMap()) {
      fail(root, "", "a suite is a mapping with golden, tolerances, ignore and cases");
    }
    check_keys(root, "", {"golden", "tolerances", "ignore", "cases"});
    Suite suite;
    suite.file = m_file;
    suite.golden_dir = relative_to_suite(root["golden"] ? scalar<std::string>(root, "golden", "golden") : "golden");
    if (root["tolerances"]) {
      const YAML::Node t = mapping(root, "tolerances", "tolerances");
      check_keys(t, "tolerances.", {"default", "metrics"});
      if (t["default"]) {
        suite.rules.default_tolerance = tolerance(t, "default", "tolerances.default");
      }
      if (t["metrics"]) {
        const YAML::Node metrics = mapping(t, "metrics", "tolerances.metrics");
        for (const auto& entry : metrics) {
          const std::string pattern = entry.first.Scalar();
          const std::string name = "tolerances.metrics." + pattern;
          check_pattern(entry.first, name, pattern);
          suite.rules.tolerances.push_back({pattern, tolerance(metrics, pattern, name)});
        }
      }
    }
    if (root["ignore"]) {
      const YAML::Node ignore = root["ignore"];
      if (!ignore.IsSequence()) {
        fail(key_node(root, "ignore"), "ignore", "expected a list of JSON paths");
      }
      suite.rules.ignore.clear();
      for (const auto& p : ignore) {
        if (!p.IsScalar()) {
          fail(p, "ignore", "expected a JSON path such as model_file");
        }
        check_pattern(p, "ignore", p.Scalar());
        suite.rules.ignore.push_back(p.Scalar());
      }
    }
    const YAML::Node cases = root["cases"];
    if (!cases) {
      fail(root, "cases", "a suite needs a list of cases");
    }
    if (!cases.IsSequence() || cases.size() == 0) {
      fail(key_node(root, "cases"), "cases", "expected a list of cases");
    }
    std::set<std::string> names;
    for (const auto& c : cases) {
      suite.cases.push_back(read_case(c, names));
    }
    return suite;
  }

 private:
  void check_pattern(const YAML::Node& at, const std::string& name, const std::string& pattern) const {
    try {
      path_segments(pattern);
    } catch (const std::invalid_argument& e) {
      fail(at, name, std::string("not a JSON path (") + e.what() + ")");
    }
  }

  std::string m_file;
  fs::path m_dir;
};

}  // namespace

Suite load_suite(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(path, 0, 0, "", "cannot open the suite file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    throw InputError(path, e.mark.line + 1, e.mark.column + 1, "", e.msg);
  }
  return SuiteReader(path).read(root);
}

std::vector<std::string> case_arguments(const RegressCase& c, const std::string& out_dir, int threads) {
  std::vector<std::string> args;
  switch (c.kind) {
    case CaseKind::model:
      args = {"run",
              "--model",
              c.source,
              "--dataset",
              c.dataset,
              "--images",
              std::to_string(c.images),
              "--drift-times",
              c.drift_times,
              "--threads",
              std::to_string(threads)};
      if (c.timing_only) {
        args.emplace_back("--timing-only");
      }
      break;
    case CaseKind::workload:
      args = {"run", "--workload", c.source};
      break;
    case CaseKind::trace:
      args = {"trace", "replay", c.source};
      break;
  }
  args.insert(args.end(), {"--chip", c.chip, "--out", out_dir});
  if (c.seed) {
    args.insert(args.end(), {"--seed", std::to_string(*c.seed)});
  }
  for (const auto& assignment : c.overrides) {
    args.insert(args.end(), {"--set", assignment});
  }
  return args;
}

}  // namespace imcsim::apps
