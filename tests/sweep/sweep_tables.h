#pragma once
// Hand-built sweep tables for the output tests, with their Pareto fronts worked out by hand.

#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_table.h"

namespace imcsim::sweep::testing {

inline PointRow ok_row(int point, std::vector<std::string> parameters, std::vector<std::optional<double>> metrics) {
  PointRow r;
  r.point = point;
  r.parameters = std::move(parameters);
  r.metrics = std::move(metrics);
  return r;
}

inline PointRow failed_row(int point, std::vector<std::string> parameters, std::string error, std::size_t metrics) {
  PointRow r;
  r.point = point;
  r.parameters = std::move(parameters);
  r.status = PointStatus::failed;
  r.error = std::move(error);
  r.metrics.assign(metrics, std::nullopt);
  return r;
}

/// Minimise energy, maximise accuracy; latency is a metric but no objective.
///   point  adc.bits mode   energy_uj latency_ns accuracy_1d
///   0      4        "a,b"  1.0       300        0.80   front (lowest energy)
///   1      6        plain  2.0       200        0.90   front
///   2      8        plain  3.0       100        0.90   dominated by 1 (more energy, same accuracy)
///   3      8        plain  2.0       250        0.90   front (ties 1 on both objectives)
///   4      10       plain  4.0       90         0.95   front (best accuracy)
///   5      10       plain  1.5       80         -      no accuracy: not on the front although its energy is low
///   6      12       plain  -         -          -      failed (its error has a comma, a quote and a line break)
///   8      12       plain  5.0       70         0.94   dominated by 4
/// Point 7 has no result (total_points = 9).
inline SweepTable two_objectives() {
  SweepTable t;
  t.name = "adc-sweep";
  t.parameters = {"adc.bits", "mode"};
  t.metrics = {"energy_uj", "latency_ns", "accuracy_1d"};
  t.objectives = {{"energy_uj", Sense::minimise}, {"accuracy_1d", Sense::maximise}};
  t.total_points = 9;
  t.rows = {ok_row(0, {"4", "a,b"}, {1.0, 300.0, 0.80}),
            ok_row(1, {"6", "plain"}, {2.0, 200.0, 0.90}),
            ok_row(2, {"8", "plain"}, {3.0, 100.0, 0.90}),
            ok_row(3, {"8", "plain"}, {2.0, 250.0, 0.90}),
            ok_row(4, {"10", "plain"}, {4.0, 90.0, 0.95}),
            ok_row(5, {"10", "plain"}, {1.5, 80.0, std::nullopt}),
            failed_row(6, {"12", "plain"}, "adc.bits: 12 > 10, \"too many\"\nsecond line", 3),
            ok_row(8, {"12", "plain"}, {5.0, 70.0, 0.94})};
  return t;
}

}  // namespace imcsim::sweep::testing
