#include "sweep/pareto.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/errors.h"
#include "base/text.h"
#include "report/svg.h"

namespace imcsim::sweep {

namespace {

/// The rows on the front's side: status ok and a finite value for every objective, the values turned so that
/// smaller is better.
struct Candidate {
  int point;
  std::vector<double> cost;
};

std::vector<Candidate> candidates(const SweepTable& table) {
  std::vector<std::size_t> columns;
  for (const auto& o : table.objectives) {
    columns.push_back(metric_index(table, o.metric));
  }
  std::vector<Candidate> out;
  for (const auto& row : table.rows) {
    if (row.status != PointStatus::ok) {
      continue;
    }
    Candidate c{row.point, {}};
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const auto& value = row.metrics[columns[k]];
      if (!value || !std::isfinite(*value)) {
        break;
      }
      c.cost.push_back(table.objectives[k].sense == Sense::minimise ? *value : -*value);
    }
    if (c.cost.size() == columns.size()) {
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) {
      return false;
    }
    better = better || a[k] < b[k];
  }
  return better;
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
  return right ? fill + text : text + fill;
}

}  // namespace

std::size_t metric_index(const SweepTable& table, const std::string& metric) {
  const auto it = std::find(table.metrics.begin(), table.metrics.end(), metric);
  if (it == table.metrics.end()) {
    throw Error("sweep table '" + table.name + "': no metric '" + metric + "' (known: " + join_names(table.metrics) +
                ")");
  }
  return static_cast<std::size_t>(it - table.metrics.begin());
}

const PointRow& row_of(const SweepTable& table, int point) {
  for (const auto& row : table.rows) {
    if (row.point == point) {
      return row;
    }
  }
  throw Error("sweep table '" + table.name + "': no row for point " + std::to_string(point));
}

void check_table(const SweepTable& table) {
  const std::string where = "sweep table '" + table.name + "': ";
  for (const auto& o : table.objectives) {
    metric_index(table, o.metric);
  }
  std::set<int> seen;
  for (const auto& row : table.rows) {
    const std::string point = "point " + std::to_string(row.point);
    if (row.point < 0 || row.point >= table.total_points) {
      throw Error(where + point + " lies outside the sweep's " + std::to_string(table.total_points) + " points");
    }
    if (!seen.insert(row.point).second) {
      throw Error(where + point + " appears twice");
    }
    if (row.parameters.size() != table.parameters.size()) {
      throw Error(where + point + " has " + std::to_string(row.parameters.size()) + " parameter values for " +
                  std::to_string(table.parameters.size()) + " parameters");
    }
    if (row.metrics.size() != table.metrics.size()) {
      throw Error(where + point + " has " + std::to_string(row.metrics.size()) + " metric values for " +
                  std::to_string(table.metrics.size()) + " metrics");
    }
  }
}

std::vector<int> pareto_front(const SweepTable& table) {
  check_table(table);
  if (table.objectives.empty()) {
    return {};
  }
  // In lexicographic order of cost a row can only be dominated by rows before it, and a row dominated by any
  // earlier row is dominated by one already on the front (domination is transitive), so comparing each row with
  // the front so far is enough.
  std::vector<Candidate> rows = candidates(table);
  std::sort(rows.begin(), rows.end(), [](const Candidate& a, const Candidate& b) {
    return a.cost != b.cost ? a.cost < b.cost : a.point < b.point;
  });
  std::vector<const Candidate*> front;
  for (const auto& c : rows) {
    const bool dominated =
        std::any_of(front.begin(), front.end(), [&](const Candidate* f) { return dominates(f->cost, c.cost); });
    if (!dominated) {
      front.push_back(&c);
    }
  }
  std::vector<int> points;
  points.reserve(front.size());
  for (const Candidate* f : front) {
    points.push_back(f->point);
  }
  std::sort(points.begin(), points.end());
  return points;
}

std::vector<int> in_first_objective_order(const SweepTable& table, const std::vector<int>& front) {
  std::vector<int> ordered = front;
  if (table.objectives.empty()) {
    std::sort(ordered.begin(), ordered.end());
    return ordered;
  }
  const std::size_t column = metric_index(table, table.objectives.front().metric);
  const bool minimise = table.objectives.front().sense == Sense::minimise;
  std::map<int, double> cost;
  for (int p : ordered) {
    const auto& value = row_of(table, p).metrics[column];
    cost[p] = !value || !std::isfinite(*value) ? HUGE_VAL : minimise ? *value : -*value;
  }
  std::sort(ordered.begin(), ordered.end(),
            [&](int a, int b) { return cost[a] != cost[b] ? cost[a] < cost[b] : a < b; });
  return ordered;
}

std::string front_summary_text(const SweepTable& table, const std::vector<int>& front, int max_rows) {
  if (table.objectives.empty()) {
    return "no objectives, so no Pareto front\n";
  }
  if (front.empty()) {
    return "the Pareto front is empty: no point has a value for every objective\n";
  }
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), table.parameters.begin(), table.parameters.end());
  std::vector<std::size_t> columns;
  for (const auto& o : table.objectives) {
    columns.push_back(metric_index(table, o.metric));
    header.push_back(o.metric + (o.sense == Sense::minimise ? " (min)" : " (max)"));
  }
  const std::vector<int> ordered = in_first_objective_order(table, front);
  const std::size_t shown = std::min(ordered.size(), static_cast<std::size_t>(std::max(max_rows, 0)));
  std::vector<std::vector<std::string>> cells = {header};
  for (std::size_t i = 0; i < shown; ++i) {
    const PointRow& row = row_of(table, ordered[i]);
    std::vector<std::string> line = {std::to_string(row.point)};
    line.insert(line.end(), row.parameters.begin(), row.parameters.end());
    for (std::size_t c : columns) {
      line.push_back(row.metrics[c] ? report::svg::shortest(*row.metrics[c]) : "-");
    }
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& line : cells) {
    for (std::size_t k = 0; k < line.size(); ++k) {
      widths[k] = std::max(widths[k], line[k].size());
    }
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t k = 0; k < line.size(); ++k) {
      // Parameters left-aligned (they may be words), the point and the metrics right-aligned.
      const bool right = k == 0 || k > table.parameters.size();
      text += (k > 0 ? "  " : "") + pad(line[k], widths[k], right);
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    out += text + "\n";
  }
  if (shown < ordered.size()) {
    out += "... and " + std::to_string(ordered.size() - shown) + " more\n";
  }
  return out;
}

}  // namespace imcsim::sweep
