#pragma once
// Comparing a report.json with its golden copy under per-metric tolerances (docs/regress.md).

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::regress {

/// How far a number may move: |now - golden| <= max(abs, rel * |golden|).
struct Tolerance {
  double abs = 0.0;
  double rel = 0.0;

  double bound(double golden) const;
};

/// A per-metric tolerance. `pattern` is a JSON path of report.json ("latency.per_inference_ns",
/// "accuracy.analog[*].top1"): `[*]` stands for any array index, a `*` in a key for any characters (`*` any
/// key, `*_ns` any key ending in _ns) and a `**` segment for any number of segments ("**.*_ns": every key ending
/// in _ns, at any depth). A pattern also covers everything below it ("energy.breakdown").
struct MetricTolerance {
  std::string pattern;
  Tolerance tolerance;
};

struct DiffRules {
  /// For floating-point numbers that no pattern covers. Integers, strings and booleans are exact unless a
  /// pattern covers them.
  Tolerance default_tolerance{0.0, 1e-9};
  std::vector<MetricTolerance> tolerances;  ///< the most specific matching pattern wins, then the first listed
  /// Patterns never compared: paths of this checkout, the config's text, the version, a replay's wall time.
  std::vector<std::string> ignore{"model_file", "config", "imcsim_version", "trace.file", "trace.replay_s"};
};

/// Splits a JSON path (or pattern) into its segments: "a.b[2].c" -> "a", "b", "[2]", "c". Throws std::invalid_argument
/// when malformed (an empty key, an unclosed bracket, an index that is neither digits nor `*`).
std::vector<std::string> path_segments(const std::string& path);

enum class Verdict { within, regressed, added, missing };

/// One metric that differs from its golden value (moved within tolerance, beyond it, or added or missing).
struct MetricChange {
  std::string path;
  std::string golden;                                       ///< as JSON text; empty when added
  std::string now;                                          ///< as JSON text; empty when missing
  double delta = std::numeric_limits<double>::quiet_NaN();  ///< now - golden, numbers only
  std::string tolerance;                                    ///< "exact" or the bound at the golden value
  Verdict verdict = Verdict::within;
};

struct ReportDiff {
  int compared = 0;  ///< leaf values compared
  std::vector<MetricChange> changes;

  bool regressed() const;
};

ReportDiff diff_reports(const nlohmann::ordered_json& golden, const nlohmann::ordered_json& now,
                        const DiffRules& rules);

/// `report` without the values that `rules.ignore` covers (what a golden file stores).
nlohmann::ordered_json without_ignored(const nlohmann::ordered_json& report, const DiffRules& rules);

}  // namespace imcsim::regress
