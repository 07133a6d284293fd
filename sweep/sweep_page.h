#pragma once
// sweep.html: one self-contained page of a sweep's results (docs/sweep.md, "Output files") in the style of
// report.html (report/html_report.h): inline CSS and SVG only, no script, a Content-Security-Policy that forbids
// fetching anything, so it opens offline. The page holds:
// - a summary: points in the sweep, finished, failed, without a result, the objectives and the front's size;
// - a scatter plot (#scatter-<a>-<b>) for every pair of objectives a < b: objective a across, b up, one circle per
//   row with status ok and finite values for both, the front's rows in red (data-front="1") on top of the others
//   in grey, and a step line along the front of the two plotted objectives (for two objectives: the whole front);
// - with fewer than two objectives, instead, a plot (#scatter-<objective>-p<k>) of the objective against each
//   parameter whose every value is a number;
// - the front as a table (#front-table) in first-objective order with its parameters and all metrics, and the
//   failed points with their errors (#failed-table).
// Every circle has class="mark", data-point="<index>" and a hover title with the point index, its parameter values
// and its metrics. Axis titles carry the unit taken from the metric's name (energy_uj: uJ).
//
// Contract: a pure function of the table and the front (same input, same bytes); throws as check_table does.

#include <string>
#include <vector>

#include "sweep/sweep_table.h"

namespace imcsim::sweep {

/// `front`: the point indices of pareto_front(table).
std::string sweep_html(const SweepTable& table, const std::vector<int>& front);

/// The unit a metric's name ends in ("energy_uj" -> "uJ", "latency_ns" -> "ns"), or "" when it names none
/// (a rate such as "tops_per_w" or "inferences_per_s" is its own unit and gives "").
std::string metric_unit(const std::string& metric);

}  // namespace imcsim::sweep
