#pragma once
// The files of a sweep's output directory (docs/sweep.md, "Output files"), each a pure function of the
// SweepTable, so the same table gives byte-identical files:
// - results.csv: one row per finished point, sorted by point: the parameters (config keys) first, then the
//   metrics, then `point`, `status` (ok/failed), `pareto` (1/0) and `error`. Numbers are written as results.json
//   writes them (the shortest form that reads back to the same double); an absent or non-finite metric is an empty
//   field; fields with a comma, quote or line break are quoted (RFC 4180).
// - results.json: the same table with its objectives, counts and Pareto front; read back by read_results_json.
// - sweep.html: the page of sweep/sweep_page.h.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/sweep_table.h"

namespace imcsim::sweep {

/// `front`: point indices of the Pareto front (pareto_front(table)); their rows get pareto = 1.
std::string results_csv(const SweepTable& table, const std::vector<int>& front);

/// {name, parameters, metrics, objectives [{metric, sense}], total_points, points_done (rows, ok or failed),
/// points_failed, pareto_front, points [{point, parameters {key: value}, status, error (failed points only),
/// metrics {name: number or null}, pareto}]}. A parameter value is a JSON number when its text is a number in the
/// form JSON writes it back ("4", "0.5", "1e-06"; not "1e3" or "0.50"), true/false for "true"/"false", else a
/// string, so read_results_json gives back the same text.
nlohmann::ordered_json results_json(const SweepTable& table, const std::vector<int>& front);

/// Computes the front and writes results.csv, results.json and sweep.html into `dir` (created when missing), each
/// whole or not at all. Throws imcsim::Error naming a file that cannot be written.
void write_sweep_files(const std::string& dir, const SweepTable& table);

/// The table of a results.json (for `imcsim sweep merge`). The derived fields (points_done, points_failed,
/// pareto_front, pareto) are not read; they are recomputed from the points. Throws imcsim::InputError(path, 0, 0,
/// key, message) naming the key that is missing, has the wrong type or is unknown ("points[3].metrics.energy_uj").
SweepTable read_results_json(const std::string& path);

}  // namespace imcsim::sweep
