#pragma once
// The Pareto front of a sweep (docs/sweep.md, "Output files"): the design points that no other point beats on
// every objective at once.
//
// A row takes part when its status is ok and every objective metric has a finite value. Row a dominates row b
// when a is no worse than b in every objective and strictly better in at least one (smaller is better for a
// minimised objective, larger for a maximised one). The front is the participating rows that no participating row
// dominates; rows with equal objective values do not dominate each other, so they are on the front together.

#include <string>
#include <vector>

#include "sweep/sweep_table.h"

namespace imcsim::sweep {

/// The position of `metric` in table.metrics; throws imcsim::Error naming it and the known metrics when absent.
std::size_t metric_index(const SweepTable& table, const std::string& metric);

/// The row of `point`; throws imcsim::Error when the table has none.
const PointRow& row_of(const SweepTable& table, int point);

/// Checks the shape every output of a sweep relies on: each row has one value per parameter and one per metric,
/// no point index appears twice or lies outside [0, total_points), and every objective names a metric. Throws
/// imcsim::Error naming the first violation.
void check_table(const SweepTable& table);

/// The point indices (PointRow::point) of the front over table.objectives, ascending. Empty when there are no
/// objectives. Throws as check_table does.
std::vector<int> pareto_front(const SweepTable& table);

/// `front` (point indices of rows of `table`) ordered by the first objective, best first; ties by point index.
std::vector<int> in_first_objective_order(const SweepTable& table, const std::vector<int>& front);

/// The front as a fixed-width text table for a terminal or a note: a column for the point index, each parameter
/// and each objective metric, one row per front point in first-objective order, at most `max_rows` rows and then
/// a line "... and N more". A line saying so when there are no objectives or the front is empty.
std::string front_summary_text(const SweepTable& table, const std::vector<int>& front, int max_rows = 20);

}  // namespace imcsim::sweep
