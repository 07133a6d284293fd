#pragma once
// A design-space sweep file (docs/sweep.md): the job every point starts from, the config keys it varies and how
// they are sampled, the metrics taken from each point's report.json and the objectives of the Pareto front.
//
// Contract: load_sweep() validates the whole file and every parameter value against the base chip config
// without running anything, and throws InputError naming the file, line, column and key. The points it returns
// are a pure function of the file (the seed included), identical on every process that loads it.

#include <string>
#include <vector>

#include "regress/run_job.h"
#include "sweep/sweep_table.h"

namespace imcsim::sweep {

enum class Sampling { grid, list, random, lhs };

/// One varied parameter: a config key, or several tied keys that take the same value ("cores.rows+cores.cols").
struct SweepParameter {
  std::string name;                 ///< as written: the keys joined by '+'; the column of results.csv
  std::vector<std::string> keys;    ///< the config keys it sets
  std::vector<std::string> values;  ///< its list of values as written (empty for a range)
  bool range = false;               ///< {min, max}: random and lhs sampling only
  double min = 0;
  double max = 0;
  bool log = false;      ///< sample the range on a log scale
  bool integer = false;  ///< round to an integer
};

/// A metric column: a number read from each point's report.json.
struct SweepMetric {
  std::string name;       ///< with its unit, e.g. "energy_uj"
  std::string path;       ///< JSON path in report.json, as `imcsim regress` writes them ("accuracy.analog[1].top1")
  bool accuracy = false;  ///< from the accuracy path (the path starts with "accuracy."): reusable across points
};

struct DesignPoint {
  int index = 0;
  std::vector<std::string> values;     ///< per parameter, the value as text
  std::vector<std::string> overrides;  ///< "key=value" for every key of every parameter
  /// Points with the same non-empty key compute the same accuracy: they differ only in timing-only keys
  /// (chip::timing_only_key). Empty when the job has no accuracy path.
  std::string accuracy_key;
};

struct SweepSpec {
  std::string file;
  std::string name;
  regress::RunJob base;
  std::vector<SweepParameter> parameters;
  Sampling sampling = Sampling::grid;
  std::vector<DesignPoint> points;
  std::vector<SweepMetric> metrics;
  std::vector<Objective> objectives;
  /// A digest of everything that decides the points' results (the base job, the points, the metrics): a journal
  /// written under another fingerprint belongs to another sweep.
  std::string fingerprint;
};

SweepSpec load_sweep(const std::string& path);

/// Per metric of the spec: whether it comes from the accuracy path.
std::vector<bool> accuracy_flags(const SweepSpec& spec);

/// The results table's frame: name, parameter and metric columns, objectives, total points; no rows.
SweepTable empty_table(const SweepSpec& spec);

}  // namespace imcsim::sweep
