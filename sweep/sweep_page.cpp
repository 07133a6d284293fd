#include "sweep/sweep_page.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "base/text.h"
#include "report/svg.h"
#include "sweep/pareto.h"

namespace imcsim::sweep {

namespace svg = report::svg;

namespace {

constexpr double chart_width = 520, chart_height = 390;
constexpr double x0 = 84, x1 = chart_width - 16, y0 = 34, y1 = chart_height - 56, inset = 8;
const char* const point_colour = "#9a9a9a";
const char* const front_colour = "#d62728";

/// One axis of a scatter plot: its title and the value of a row on it (nullopt: the row is not plotted).
struct AxisSpec {
  std::string title;
  std::function<std::optional<double>(const PointRow&)> value;
  std::optional<Sense> sense;  ///< set for an objective: which way is better
};

/// A linear axis over [lo, hi] in steps of a round number (1, 2 or 5 times a power of ten).
struct Scale {
  double lo, hi, step;
  double at(double v, double p0, double p1) const { return p0 + (v - lo) / (hi - lo) * (p1 - p0); }
  std::vector<double> ticks() const {
    std::vector<double> out;
    const int n = static_cast<int>(std::lround((hi - lo) / step));
    for (int i = 0; i <= n; ++i) {
      const double v = lo + i * step;
      out.push_back(std::abs(v) < step * 1e-6 ? 0.0 : v);
    }
    return out;
  }
};

Scale scale_of(const std::vector<double>& values) {
  double lo = *std::min_element(values.begin(), values.end());
  double hi = *std::max_element(values.begin(), values.end());
  if (hi - lo <= 1e-9 * std::max(std::abs(lo), std::abs(hi))) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / 5;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / decade;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * decade;
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

std::optional<double> finite(const std::optional<double>& v) { return v && std::isfinite(*v) ? v : std::nullopt; }

/// The text of a parameter value as a number, when it is one.
std::optional<double> number_of(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_number()) {
    return std::nullopt;
  }
  return finite(j.get<double>());
}

bool on_front(const std::vector<int>& front, int point) {
  return std::find(front.begin(), front.end(), point) != front.end();
}

std::string value_text(const std::optional<double>& v) { return v ? svg::shortest(*v) : std::string("n/a"); }

std::string hover_title(const SweepTable& table, const PointRow& row, bool front) {
  std::string t = "point " + std::to_string(row.point) + ":";
  for (std::size_t k = 0; k < table.parameters.size(); ++k) {
    t += (k > 0 ? ", " : " ") + table.parameters[k] + "=" + row.parameters[k];
  }
  for (std::size_t k = 0; k < table.metrics.size(); ++k) {
    t += (k > 0 ? ", " : "; ") + table.metrics[k] + "=" + value_text(row.metrics[k]);
  }
  return t + (front ? "; on the Pareto front" : "");
}

std::string axis_title(const std::string& name, const std::string& unit, std::optional<Sense> sense) {
  std::string t = name + (unit.empty() ? "" : " (" + unit + ")");
  if (sense) {
    t += *sense == Sense::minimise ? ", lower is better" : ", higher is better";
  }
  return t;
}

AxisSpec objective_axis(const SweepTable& table, const Objective& o) {
  const std::size_t column = metric_index(table, o.metric);
  return {axis_title(o.metric, metric_unit(o.metric), o.sense),
          [column](const PointRow& row) { return finite(row.metrics[column]); }, o.sense};
}

/// The corners of the front of the two plotted objectives among `points` (x, y), joined as a staircase along the
/// boundary of the region they dominate.
std::string step_path(std::vector<std::pair<double, double>> points, Sense x_sense, Sense y_sense) {
  const auto cost = [](double v, Sense s) { return s == Sense::minimise ? v : -v; };
  std::vector<std::pair<double, double>> corners;
  for (const auto& p : points) {
    const bool dominated = std::any_of(points.begin(), points.end(), [&](const auto& q) {
      const double px = cost(p.first, x_sense), py = cost(p.second, y_sense);
      const double qx = cost(q.first, x_sense), qy = cost(q.second, y_sense);
      return qx <= px && qy <= py && (qx < px || qy < py);
    });
    if (!dominated) {
      corners.push_back(p);
    }
  }
  std::sort(corners.begin(), corners.end());
  corners.erase(std::unique(corners.begin(), corners.end()), corners.end());
  if (corners.size() < 2) {
    return "";
  }
  // Minimising x, the boundary leaves a corner across to the next one's x and then goes to its y; maximising x,
  // it first goes to the next one's y.
  std::string d = "M" + svg::px(corners[0].first) + " " + svg::px(corners[0].second);
  for (std::size_t i = 1; i < corners.size(); ++i) {
    const auto& [x, y] = corners[i];
    const auto& prev = corners[i - 1];
    d += x_sense == Sense::minimise ? " L" + svg::px(x) + " " + svg::px(prev.second)
                                    : " L" + svg::px(prev.first) + " " + svg::px(y);
    d += " L" + svg::px(x) + " " + svg::px(y);
  }
  return "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + front_colour + "\" stroke-width=\"1.5\"/>\n";
}

std::string scatter(const std::string& id, const SweepTable& table, const std::vector<int>& front, const AxisSpec& x,
                    const AxisSpec& y, bool step_line) {
  struct Plotted {
    const PointRow* row;
    double x, y;
    bool front;
  };
  std::vector<Plotted> plotted;
  std::vector<double> xs, ys;
  for (const auto& row : table.rows) {
    if (row.status != PointStatus::ok) {
      continue;
    }
    const auto vx = x.value(row), vy = y.value(row);
    if (!vx || !vy) {
      continue;
    }
    plotted.push_back({&row, *vx, *vy, on_front(front, row.point)});
    xs.push_back(*vx);
    ys.push_back(*vy);
  }
  std::string s = svg::open(id, chart_width, chart_height, y.title + " against " + x.title);
  if (plotted.empty()) {
    s += svg::text(chart_width / 2, chart_height / 2, "no point has values for both axes", "middle");
    return s + "</svg>\n";
  }
  const Scale sx = scale_of(xs), sy = scale_of(ys);
  const auto X = [&](double v) { return sx.at(v, x0 + inset, x1 - inset); };
  const auto Y = [&](double v) { return sy.at(v, y1 - inset, y0 + inset); };
  for (double t : sy.ticks()) {
    s += svg::plain_line(x0, Y(t), x1, Y(t), "#e4e4e4");
    s += svg::text(x0 - 6, Y(t) + 4, svg::shortest(t), "end");
  }
  for (double t : sx.ticks()) {
    s += svg::plain_line(X(t), y0, X(t), y1, "#e4e4e4");
    s += svg::text(X(t), y1 + 16, svg::shortest(t), "middle");
  }
  s += svg::plain_line(x0, y1, x1, y1, "#444") + svg::plain_line(x0, y0, x0, y1, "#444");
  s += svg::text((x0 + x1) / 2, chart_height - 14, x.title, "middle");
  s += svg::text(16, (y0 + y1) / 2, y.title, "middle", "transform=\"rotate(-90 16 " + svg::px((y0 + y1) / 2) + ")\"");
  s += svg::plain_rect(x0, 8, 12, 12, point_colour) + svg::text(x0 + 16, 18, "point", "start", "class=\"small\"");
  s += svg::plain_rect(x0 + 70, 8, 12, 12, front_colour) +
       svg::text(x0 + 86, 18, "Pareto front", "start", "class=\"small\"");

  if (step_line && x.sense && y.sense) {
    std::vector<std::pair<double, double>> corners;
    for (const auto& p : plotted) {
      if (p.front) {
        corners.emplace_back(X(p.x), Y(p.y));
      }
    }
    // On screen y grows downwards, so the better direction of y flips.
    const Sense screen_y = *y.sense == Sense::minimise ? Sense::maximise : Sense::minimise;
    s += step_path(corners, *x.sense, screen_y);
  }
  // The front last, so that its marks are on top.
  for (bool front_pass : {false, true}) {
    for (const auto& p : plotted) {
      if (p.front != front_pass) {
        continue;
      }
      const std::string extra = "data-point=\"" + std::to_string(p.row->point) + "\"" +
                                (p.front ? " data-front=\"1\" stroke=\"#7f0000\"" : " fill-opacity=\"0.8\"");
      s += svg::circle(X(p.x), Y(p.y), p.front ? 5.5 : 4.5, p.front ? front_colour : point_colour,
                       hover_title(table, *p.row, p.front), extra);
    }
  }
  return s + "</svg>\n";
}

std::string kv(const std::string& key, const std::string& value) {
  return "<tr><th>" + svg::escape(key) + "</th><td>" + svg::escape(value) + "</td></tr>\n";
}

std::string cell(const std::string& text) { return "<td>" + svg::escape(text) + "</td>"; }
std::string head(const std::string& text) { return "<th>" + svg::escape(text) + "</th>"; }

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const SweepTable& table, const std::vector<int>& front) {
  const std::size_t failed = static_cast<std::size_t>(std::count_if(
      table.rows.begin(), table.rows.end(), [](const PointRow& r) { return r.status == PointStatus::failed; }));
  const std::size_t done = table.rows.size();
  std::string points = std::to_string(table.total_points) + " in the sweep, " + std::to_string(done) + " done (" +
                       std::to_string(done - failed) + " ok, " + std::to_string(failed) + " failed)";
  const std::size_t total = static_cast<std::size_t>(std::max(table.total_points, 0));
  if (done < total) {
    points += ", " + std::to_string(total - done) + " without a result";
  }
  std::string objectives;
  for (const auto& o : table.objectives) {
    objectives += (objectives.empty() ? "" : ", ") + o.metric + (o.sense == Sense::minimise ? " (min)" : " (max)");
  }
  std::string t = "<table class=\"kv\">\n";
  t += kv("sweep", table.name);
  t += kv("points", points);
  t += kv("parameters", table.parameters.empty() ? "none" : join_names(table.parameters));
  t += kv("objectives", objectives.empty() ? "none" : objectives);
  t += kv("Pareto front", table.objectives.empty() ? "none (no objectives)" : plural(front.size(), "point"));
  return t + "</table>\n";
}

std::string front_table(const SweepTable& table, const std::vector<int>& front) {
  std::string t = "<table id=\"front-table\" class=\"grid\">\n<thead><tr>" + head("point");
  for (const auto& p : table.parameters) {
    t += head(p);
  }
  for (const auto& m : table.metrics) {
    t += head(m);
  }
  t += "</tr></thead>\n<tbody>\n";
  for (int point : in_first_objective_order(table, front)) {
    const PointRow& row = row_of(table, point);
    t += "<tr>" + cell(std::to_string(point));
    for (const auto& v : row.parameters) {
      t += cell(v);
    }
    for (const auto& v : row.metrics) {
      t += cell(v ? svg::shortest(*v) : "");
    }
    t += "</tr>\n";
  }
  return t + "</tbody>\n</table>\n";
}

std::string failed_table(const SweepTable& table) {
  std::string t = "<table id=\"failed-table\" class=\"grid\">\n<thead><tr>" + head("point");
  for (const auto& p : table.parameters) {
    t += head(p);
  }
  t += head("error") + "</tr></thead>\n<tbody>\n";
  std::vector<const PointRow*> rows;
  for (const auto& row : table.rows) {
    if (row.status == PointStatus::failed) {
      rows.push_back(&row);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const PointRow* a, const PointRow* b) { return a->point < b->point; });
  for (const PointRow* row : rows) {
    t += "<tr>" + cell(std::to_string(row->point));
    for (const auto& v : row->parameters) {
      t += cell(v);
    }
    t += "<td class=\"error\">" + svg::escape(row->error) + "</td></tr>\n";
  }
  return t + "</tbody>\n</table>\n";
}

std::string plots(const SweepTable& table, const std::vector<int>& front) {
  const auto& objectives = table.objectives;
  std::string out;
  if (objectives.size() >= 2) {
    for (std::size_t a = 0; a < objectives.size(); ++a) {
      for (std::size_t b = a + 1; b < objectives.size(); ++b) {
        const std::string id = "scatter-" + std::to_string(a) + "-" + std::to_string(b);
        out += svg::section(
            id + "-section", objectives[b].metric + " against " + objectives[a].metric,
            scatter(id, table, front, objective_axis(table, objectives[a]), objective_axis(table, objectives[b]), true),
            objectives.size() == 2 ? "The step line is the edge of what the front dominates."
                                   : "Red: the front over all objectives. The step line is the edge of "
                                     "what it dominates in these two.");
      }
    }
    return out;
  }
  for (std::size_t o = 0; o < objectives.size(); ++o) {
    bool any = false;
    for (std::size_t k = 0; k < table.parameters.size(); ++k) {
      const bool numeric =
          !table.rows.empty() && std::all_of(table.rows.begin(), table.rows.end(),
                                             [&](const PointRow& r) { return number_of(r.parameters[k]).has_value(); });
      if (!numeric) {
        continue;
      }
      any = true;
      const AxisSpec x{axis_title(table.parameters[k], "", std::nullopt),
                       [k](const PointRow& row) { return number_of(row.parameters[k]); }, std::nullopt};
      const std::string id = "scatter-" + std::to_string(o) + "-p" + std::to_string(k);
      out += svg::section(id + "-section", objectives[o].metric + " against " + table.parameters[k],
                          scatter(id, table, front, x, objective_axis(table, objectives[o]), false), "");
    }
    if (!any) {
      out += svg::section("no-plot", "Plots",
                          "<p>No parameter has only numbers as values, so there is nothing to plot " +
                              svg::escape(objectives[o].metric) + " against.</p>\n",
                          "");
    }
  }
  if (objectives.empty()) {
    out +=
        svg::section("no-plot", "Plots", "<p>The sweep names no objectives, so there is no front to plot.</p>\n", "");
  }
  return out;
}

/// `table` with its rows in point order.
std::string page(const SweepTable& table, const std::vector<int>& front) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  h += "<title>imcsim sweep: " + svg::escape(table.name) + "</title>\n";
  h += "<style>\n" + svg::page_style() +
       "table.grid td.error{text-align:left;font-family:monospace}\n</style>\n</head>\n<body>\n";
  h += "<h1>imcsim sweep: " + svg::escape(table.name) + "</h1>\n";
  h += "<p class=\"note\">Every figure comes from results.json of the same sweep; hover over a point for its "
       "parameters and metrics.</p>\n<main>\n";
  h += svg::section("summary", "Summary", summary(table, front),
                    "A point is on the Pareto front when no other point is at least as good in every objective and "
                    "better in one.");
  h += plots(table, front);
  if (!table.objectives.empty()) {
    h += svg::section("front", "Pareto front", front_table(table, front),
                      "Best " + table.objectives.front().metric + " first.");
  }
  const bool any_failed = std::any_of(table.rows.begin(), table.rows.end(),
                                      [](const PointRow& r) { return r.status == PointStatus::failed; });
  if (any_failed) {
    h += svg::section("failed", "Failed points", failed_table(table), "");
  }
  return h + "</main>\n</body>\n</html>\n";
}

}  // namespace

std::string metric_unit(const std::string& metric) {
  static const std::vector<std::pair<std::string, std::string>> units = {
      {"_uj", "uJ"},   {"_nj", "nJ"},   {"_pj", "pJ"}, {"_mj", "mJ"},   {"_j", "J"},    {"_ns", "ns"},
      {"_us", "us"},   {"_ms", "ms"},   {"_s", "s"},   {"_mw", "mW"},   {"_uw", "uW"},  {"_w", "W"},
      {"_mm2", "mm²"}, {"_um2", "µm²"}, {"_hz", "Hz"}, {"_mhz", "MHz"}, {"_ghz", "GHz"}};
  for (const auto& [suffix, unit] : units) {
    if (metric.size() <= suffix.size() || !ends_with(metric, suffix)) {
      continue;
    }
    const std::string stem = metric.substr(0, metric.size() - suffix.size());
    return ends_with(stem, "_per") ? "" : unit;
  }
  return "";
}

std::string sweep_html(const SweepTable& table, const std::vector<int>& front) {
  check_table(table);
  // Marks are drawn in point order, so the same rows in another order give the same page.
  SweepTable sorted = table;
  std::sort(sorted.rows.begin(), sorted.rows.end(),
            [](const PointRow& a, const PointRow& b) { return a.point < b.point; });
  return page(sorted, front);
}

}  // namespace imcsim::sweep
