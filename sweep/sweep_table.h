#pragma once
// The results of a design-space sweep as one table (docs/sweep.md): a row per design point, the varied parameters
// first (named by their config keys), then the metrics (their names carry their units), rows sorted by point
// index. Every output of a sweep (results.csv, results.json, the Pareto front, sweep.html) is a function of this
// table alone, so runs that computed the same points in a different order, on other processes or in shards give
// byte-identical files.

#include <optional>
#include <string>
#include <vector>

namespace imcsim::sweep {

enum class Sense { minimise, maximise };

/// One objective of the Pareto front: a metric column and whether smaller or larger is better.
struct Objective {
  std::string metric;  ///< a name in SweepTable::metrics
  Sense sense = Sense::minimise;
};

enum class PointStatus { ok, failed };

struct PointRow {
  int point = 0;                        ///< index in the sweep, from 0
  std::vector<std::string> parameters;  ///< the values as given in the sweep file, in SweepTable::parameters order
  PointStatus status = PointStatus::ok;
  std::string error;  ///< why a failed point failed (one line)
  /// In SweepTable::metrics order; empty when the report has no such value (a failed point, or the accuracy of a
  /// timing-only run).
  std::vector<std::optional<double>> metrics;
};

struct SweepTable {
  std::string name;                     ///< the sweep's name (its file's stem unless given)
  std::vector<std::string> parameters;  ///< config keys, e.g. "adc.bits"; tied keys as "cores.rows+cores.cols"
  std::vector<std::string> metrics;     ///< names with units, e.g. "energy_uj", "latency_ns", "accuracy_1d"
  std::vector<Objective> objectives;    ///< may be empty: then there is no front
  std::vector<PointRow> rows;           ///< sorted by point
  int total_points = 0;                 ///< points in the sweep; rows.size() is smaller when points are missing
};

}  // namespace imcsim::sweep
