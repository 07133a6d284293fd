#include "sweep/sweep_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "base/errors.h"
#include "base/text.h"
#include "chip/chip_config.h"
#include "regress/report_diff.h"
#include "regress/yaml_reader.h"
#include "sweep/sampling.h"

namespace imcsim::sweep {

using regress::CaseKind;
using regress::RunJob;
using regress::YamlReader;

namespace {

/// More points than any machine or cluster sweeps in one file; a typo in a grid should not allocate gigabytes.
constexpr std::size_t max_points = 1000000;

std::string digest(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, 64 bit: stable across compilers and machines
  for (const unsigned char c : text) {
    h = (h ^ c) * 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string range_value_text(double v, bool integer) {
  char text[32];
  if (integer) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(std::llround(v)));
  } else {
    std::snprintf(text, sizeof text, "%.6g", v);
  }
  return text;
}

class SweepReader {
 public:
  explicit SweepReader(const std::string& file) : m_yaml(file) {}

  SweepSpec read() {
    const YAML::Node root = m_yaml.load();
    if (!root.IsMap()) {
      m_yaml.fail(root, "", "a sweep file is a mapping with base, parameters, sampling, metrics and objectives");
    }
    m_yaml.check_keys(root, "",
                      {"name", "base", "parameters", "sampling", "samples", "seed", "points", "metrics", "objectives"});
    SweepSpec spec;
    spec.file = m_yaml.file();
    spec.name = root["name"] ? m_yaml.scalar<std::string>(root, "name", "name")
                             : std::filesystem::path(spec.file).stem().string();
    if (!root["base"]) {
      m_yaml.fail(root, "base", "a sweep needs a base job (chip, model | workload | trace, ...)");
    }
    const YAML::Node base = m_yaml.mapping(root, "base", "base");
    m_yaml.check_keys(base, "base.", regress::run_job_keys());
    spec.base = regress::read_run_job(m_yaml, base, "base.");
    read_sampling(root, spec);
    if (spec.sampling == Sampling::list) {
      read_listed_points(root, spec);
    } else {
      read_parameters(root, spec);
      place_points(root, spec);
    }
    for (std::size_t k = 0; k < spec.points.size(); ++k) {
      finish_point(spec, static_cast<int>(k), spec.points[k]);
    }
    read_metrics(root, spec);
    read_objectives(root, spec);
    spec.fingerprint = fingerprint(spec);
    return spec;
  }

 private:
  void read_sampling(const YAML::Node& root, SweepSpec& spec) const {
    const std::string method = root["sampling"] ? m_yaml.scalar<std::string>(root, "sampling", "sampling") : "grid";
    if (method == "grid") {
      spec.sampling = Sampling::grid;
    } else if (method == "list") {
      spec.sampling = Sampling::list;
    } else if (method == "random") {
      spec.sampling = Sampling::random;
    } else if (method == "lhs") {
      spec.sampling = Sampling::lhs;
    } else {
      m_yaml.fail(YamlReader::key_node(root, "sampling"), "sampling",
                  "'" + method + "' is not one of grid, list, random, lhs");
    }
    const bool sampled = spec.sampling == Sampling::random || spec.sampling == Sampling::lhs;
    for (const char* key : {"samples", "seed"}) {
      if (root[key] && !sampled) {
        m_yaml.fail(YamlReader::key_node(root, key), key, "only random and lhs sampling take " + std::string(key));
      }
    }
    if (sampled && !root["samples"]) {
      m_yaml.fail(YamlReader::key_node(root, "sampling"), "samples", method + " sampling needs samples: N");
    }
    if (root["points"] && spec.sampling != Sampling::list) {
      m_yaml.fail(YamlReader::key_node(root, "points"), "points", "points are for sampling: list");
    }
  }

  /// Fails at `at` when the base config with `assignments` applied is invalid because of one of the assigned keys
  /// (all keys when `only_assigned_keys` is false). An error about another key is a combination the value may
  /// need a partner for (cores.count with the grid): such a point is tried, and fails, at run time.
  void check_config(const RunJob& base, const std::vector<std::string>& assignments, const YAML::Node& at,
                    const std::string& key, bool only_assigned_keys = true) const {
    std::vector<std::string> overrides = base.overrides;
    overrides.insert(overrides.end(), assignments.begin(), assignments.end());
    const auto assigned = [&assignments](const std::string& k) {
      for (const auto& a : assignments) {
        if (a.compare(0, a.find('='), k) == 0 && a.find('=') == k.size()) {
          return true;
        }
      }
      return false;
    };
    try {
      chip::load_chip_config(base.chip, overrides);
    } catch (const InputError& e) {
      if (!only_assigned_keys || assigned(e.key())) {
        m_yaml.fail(at, key, e.what());
      }
    } catch (const ParameterError& e) {
      if (!only_assigned_keys || assigned(e.parameter())) {
        m_yaml.fail(at, key, e.what());
      }
    } catch (const Error& e) {
      m_yaml.fail(at, key, e.what());
    }
  }

  std::vector<std::string> assignments(const SweepParameter& p, const std::string& value) const {
    std::vector<std::string> out;
    for (const auto& key : p.keys) {
      out.push_back(key);
      out.back() += "=";
      out.back() += value;
    }
    return out;
  }

  SweepParameter parameter_named(const YAML::Node& key_node) const {
    SweepParameter p;
    p.name = key_node.Scalar();
    std::size_t start = 0;
    while (true) {
      const std::size_t plus = p.name.find('+', start);
      const std::string key = p.name.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
      if (key.empty()) {
        m_yaml.fail(key_node, "parameters." + p.name, "an empty config key (tie keys as cores.rows+cores.cols)");
      }
      p.keys.push_back(key);
      if (plus == std::string::npos) {
        break;
      }
      start = plus + 1;
    }
    return p;
  }

  void read_parameters(const YAML::Node& root, SweepSpec& spec) const {
    if (!root["parameters"]) {
      m_yaml.fail(root, "parameters", "a sweep needs parameters: the config keys to vary");
    }
    const YAML::Node params = m_yaml.mapping(root, "parameters", "parameters");
    if (params.size() == 0) {
      m_yaml.fail(YamlReader::key_node(root, "parameters"), "parameters", "no parameter to vary");
    }
    std::set<std::string> seen;
    for (const auto& entry : params) {
      SweepParameter p = parameter_named(entry.first);
      const std::string at = "parameters." + p.name;
      if (!seen.insert(p.name).second) {
        m_yaml.fail(entry.first, at, "duplicate parameter");
      }
      const YAML::Node v = entry.second;
      if (v.IsSequence()) {
        if (v.size() == 0) {
          m_yaml.fail(entry.first, at, "an empty list of values");
        }
        for (const auto& value : v) {
          if (!value.IsScalar()) {
            m_yaml.fail(value, at, "expected a list of single values");
          }
          p.values.push_back(value.Scalar());
          check_config(spec.base, assignments(p, value.Scalar()), value, at);
        }
      } else if (v.IsMap()) {
        read_range(v, at, spec, p);
      } else {
        m_yaml.fail(entry.first, at, "expected a list of values or a range {min, max, log, integer}");
      }
      if (p.range && spec.sampling == Sampling::grid) {
        m_yaml.fail(entry.first, at, "grid sampling needs a list of values (a range is for random or lhs)");
      }
      spec.parameters.push_back(std::move(p));
    }
  }

  void read_range(const YAML::Node& v, const std::string& at, const SweepSpec& spec, SweepParameter& p) const {
    m_yaml.check_keys(v, at + ".", {"min", "max", "log", "integer"});
    for (const char* key : {"min", "max"}) {
      if (!v[key]) {
        m_yaml.fail(v, at + "." + key, "a range needs min and max");
      }
    }
    p.range = true;
    p.min = m_yaml.scalar<double>(v, "min", at + ".min");
    p.max = m_yaml.scalar<double>(v, "max", at + ".max");
    if (v["log"]) {
      p.log = m_yaml.scalar<bool>(v, "log", at + ".log");
    }
    if (v["integer"]) {
      p.integer = m_yaml.scalar<bool>(v, "integer", at + ".integer");
    }
    if (!std::isfinite(p.min) || !std::isfinite(p.max) || !(p.min <= p.max)) {
      m_yaml.fail(YamlReader::key_node(v, "max"), at + ".max", "expected finite min <= max");
    }
    if (p.log && !(p.min > 0)) {
      m_yaml.fail(YamlReader::key_node(v, "min"), at + ".min", "a log range needs min > 0");
    }
    check_config(spec.base, assignments(p, range_value_text(p.min, p.integer)), YamlReader::key_node(v, "min"),
                 at + ".min");
    check_config(spec.base, assignments(p, range_value_text(p.max, p.integer)), YamlReader::key_node(v, "max"),
                 at + ".max");
  }

  void place_points(const YAML::Node& root, SweepSpec& spec) const {
    if (spec.sampling == Sampling::grid) {
      std::vector<int> sizes;
      std::size_t total = 1;
      for (const auto& p : spec.parameters) {
        sizes.push_back(static_cast<int>(p.values.size()));
        total *= p.values.size();
        if (total > max_points) {
          m_yaml.fail(YamlReader::key_node(root, "parameters"), "parameters",
                      "the grid has more than " + std::to_string(max_points) + " points");
        }
      }
      for (const auto& index : grid_indices(sizes)) {
        DesignPoint point;
        for (std::size_t k = 0; k < index.size(); ++k) {
          point.values.push_back(spec.parameters[k].values[index[k]]);
        }
        spec.points.push_back(std::move(point));
      }
      return;
    }
    const int samples = m_yaml.scalar<int>(root, "samples", "samples");
    if (samples < 1 || static_cast<std::size_t>(samples) > max_points) {
      m_yaml.fail(YamlReader::key_node(root, "samples"), "samples",
                  "expected 1 to " + std::to_string(max_points) + " points");
    }
    const std::uint64_t seed = root["seed"] ? m_yaml.scalar<std::uint64_t>(root, "seed", "seed") : 1;
    const int dims = static_cast<int>(spec.parameters.size());
    const auto positions = spec.sampling == Sampling::random ? random_positions(samples, dims, seed)
                                                             : latin_hypercube(samples, dims, seed);
    for (const auto& u : positions) {
      DesignPoint point;
      for (int k = 0; k < dims; ++k) {
        point.values.push_back(value_at(spec.parameters[k], u[k]));
      }
      spec.points.push_back(std::move(point));
    }
  }

  static std::string value_at(const SweepParameter& p, double u) {
    if (!p.range) {
      const auto n = static_cast<double>(p.values.size());
      return p.values[std::min(p.values.size() - 1, static_cast<std::size_t>(u * n))];
    }
    if (p.integer) {
      // Every integer of [min, max] equally likely: stretch the range by half a step at each end.
      const double lo = std::ceil(p.min) - 0.5;
      const double hi = std::floor(p.max) + 0.5;
      const double v =
          p.log ? std::exp(std::log(std::max(lo, p.min)) + u * (std::log(hi) - std::log(std::max(lo, p.min))))
                : lo + u * (hi - lo);
      return range_value_text(std::clamp(std::round(v), std::ceil(p.min), std::floor(p.max)), true);
    }
    const double v =
        p.log ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min))) : p.min + u * (p.max - p.min);
    return range_value_text(v, false);
  }

  void read_listed_points(const YAML::Node& root, SweepSpec& spec) const {
    if (root["parameters"]) {
      m_yaml.fail(YamlReader::key_node(root, "parameters"), "parameters",
                  "sampling: list takes its parameters from the keys of its points");
    }
    const YAML::Node points = root["points"];
    if (!points || !points.IsSequence() || points.size() == 0) {
      m_yaml.fail(YamlReader::key_node(root, "points"), "points", "sampling: list needs a list of points");
    }
    for (std::size_t k = 0; k < points.size(); ++k) {
      const YAML::Node point = points[k];
      const std::string at = "points[" + std::to_string(k) + "]";
      if (!point.IsMap() || point.size() == 0) {
        m_yaml.fail(point, at, "each point is a mapping of config keys to values");
      }
      if (k == 0) {
        for (const auto& entry : point) {
          spec.parameters.push_back(parameter_named(entry.first));
        }
      }
      DesignPoint d;
      std::set<std::string> keys;
      for (const auto& entry : point) {
        keys.insert(entry.first.Scalar());
      }
      std::vector<std::string> point_assignments;
      for (const auto& p : spec.parameters) {
        const YAML::Node value = point[p.name];
        if (!value || !value.IsScalar()) {
          m_yaml.fail(point, at + "." + p.name, "every point sets the same keys as the first (missing " + p.name + ")");
        }
        for (const auto& a : assignments(p, value.Scalar())) {
          point_assignments.push_back(a);
        }
        d.values.push_back(value.Scalar());
        keys.erase(p.name);
      }
      if (!keys.empty()) {
        m_yaml.fail(YamlReader::key_node(point, *keys.begin()), at + "." + *keys.begin(),
                    "every point sets the same keys as the first");
      }
      // A listed point is a whole design: every key it sets must make a valid config together.
      check_config(spec.base, point_assignments, point, at, false);
      spec.points.push_back(std::move(d));
    }
  }

  static void finish_point(const SweepSpec& spec, int index, DesignPoint& p) {
    p.index = index;
    const bool has_accuracy = spec.base.kind == CaseKind::model && !spec.base.timing_only;
    std::string accuracy_key = has_accuracy ? "accuracy" : "";
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      for (const auto& key : spec.parameters[k].keys) {
        p.overrides.push_back(key + "=" + p.values[k]);
        if (has_accuracy && !chip::timing_only_key(key)) {
          accuracy_key += "\n" + p.overrides.back();
        }
      }
    }
    p.accuracy_key = accuracy_key;
  }

  static std::string metric_label(const std::string& text) {
    std::string out;
    for (const char c : text) {
      out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    return out;
  }

  void read_metrics(const YAML::Node& root, SweepSpec& spec) const {
    if (spec.base.kind == CaseKind::model && !spec.base.timing_only) {
      spec.metrics.push_back({"accuracy_fp32", "accuracy.fp32", true});
      std::size_t start = 0;
      for (int k = 0; start <= spec.base.drift_times.size(); ++k) {
        const std::size_t comma = spec.base.drift_times.find(',', start);
        const std::string label = spec.base.drift_times.substr(start, comma - start);
        spec.metrics.push_back(
            {"accuracy_" + metric_label(label), "accuracy.analog[" + std::to_string(k) + "].top1", true});
        if (comma == std::string::npos) {
          break;
        }
        start = comma + 1;
      }
    }
    spec.metrics.push_back({"latency_ns", "latency.per_inference_ns", false});
    spec.metrics.push_back({"throughput_inf_per_s", "throughput.inferences_per_s", false});
    spec.metrics.push_back({"energy_uj", "energy.per_inference_uj", false});
    spec.metrics.push_back({"tops_per_w", "energy.tops_per_w", false});
    spec.metrics.push_back({"cores_used", "mapping.cores_used", false});
    spec.metrics.push_back({"area_mm2", "chip.area_mm2", false});
    if (!root["metrics"]) {
      return;
    }
    const YAML::Node metrics = m_yaml.mapping(root, "metrics", "metrics");
    for (const auto& entry : metrics) {
      const std::string name = entry.first.Scalar();
      const std::string at = "metrics." + name;
      if (name.empty() || metric_label(name) != name) {
        m_yaml.fail(entry.first, at, "a metric's name is letters, digits and _ (with its unit: energy_uj)");
      }
      for (const auto& m : spec.metrics) {
        if (m.name == name) {
          m_yaml.fail(entry.first, at, "'" + name + "' is already a metric");
        }
      }
      const std::string path = m_yaml.scalar<std::string>(metrics, name, at);
      try {
        regress::path_segments(path);
      } catch (const std::invalid_argument& e) {
        m_yaml.fail(entry.second, at, std::string("not a JSON path of report.json (") + e.what() + ")");
      }
      spec.metrics.push_back({name, path, path.rfind("accuracy.", 0) == 0});
    }
  }

  void read_objectives(const YAML::Node& root, SweepSpec& spec) const {
    const auto known = [&spec](const std::string& name) {
      for (const auto& m : spec.metrics) {
        if (m.name == name) {
          return true;
        }
      }
      return false;
    };
    if (!root["objectives"]) {
      if (spec.metrics.front().accuracy) {
        // The longest drift time: what a deployed chip sees most of its life.
        const auto last_accuracy =
            std::find_if(spec.metrics.rbegin(), spec.metrics.rend(), [](const SweepMetric& m) { return m.accuracy; });
        spec.objectives.push_back({last_accuracy->name, Sense::maximise});
      }
      spec.objectives.push_back({"energy_uj", Sense::minimise});
      spec.objectives.push_back({"latency_ns", Sense::minimise});
      return;
    }
    const YAML::Node objectives = root["objectives"];
    if (!objectives.IsSequence()) {
      m_yaml.fail(YamlReader::key_node(root, "objectives"), "objectives",
                  "expected a list such as [{maximise: accuracy_1d}, {minimise: energy_uj}]");
    }
    for (const auto& o : objectives) {
      if (!o.IsMap() || o.size() != 1) {
        m_yaml.fail(o, "objectives", "each objective is {minimise: METRIC} or {maximise: METRIC}");
      }
      const std::string sense = o.begin()->first.Scalar();
      if (sense != "minimise" && sense != "maximise") {
        m_yaml.fail(o.begin()->first, "objectives." + sense, "expected minimise or maximise");
      }
      const std::string metric = m_yaml.scalar<std::string>(o, sense, "objectives." + sense);
      if (!known(metric)) {
        std::vector<std::string> names;
        for (const auto& m : spec.metrics) {
          names.push_back(m.name);
        }
        m_yaml.fail(o.begin()->second, "objectives." + sense,
                    "no metric '" + metric + "' (metrics: " + join_names(names) + ")");
      }
      spec.objectives.push_back({metric, sense == "minimise" ? Sense::minimise : Sense::maximise});
    }
  }

  static std::string fingerprint(const SweepSpec& spec) {
    std::string text;
    for (const auto& a : regress::run_job_arguments(spec.base, "", 1)) {
      text += a + "\n";
    }
    for (const auto& p : spec.points) {
      text += "point";
      for (const auto& o : p.overrides) {
        text += " " + o;
      }
      text += "\n";
    }
    for (const auto& m : spec.metrics) {
      text += "metric " + m.name + " " + m.path + "\n";
    }
    return digest(text);
  }

  YamlReader m_yaml;
};

}  // namespace

SweepSpec load_sweep(const std::string& path) { return SweepReader(path).read(); }

std::vector<bool> accuracy_flags(const SweepSpec& spec) {
  std::vector<bool> flags;
  for (const auto& m : spec.metrics) {
    flags.push_back(m.accuracy);
  }
  return flags;
}

SweepTable empty_table(const SweepSpec& spec) {
  SweepTable t;
  t.name = spec.name;
  for (const auto& p : spec.parameters) {
    t.parameters.push_back(p.name);
  }
  for (const auto& m : spec.metrics) {
    t.metrics.push_back(m.name);
  }
  t.objectives = spec.objectives;
  t.total_points = static_cast<int>(spec.points.size());
  return t;
}

}  // namespace imcsim::sweep
