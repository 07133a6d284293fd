#include "rla/experiment_files.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "base/errors.h"
#include "base/output_file.h"
#include "report/csv_tables.h"
#include "report/report_json.h"
#include "report/svg.h"

namespace imcsim::rla {

namespace {

namespace svg = report::svg;
using Json = nlohmann::ordered_json;

std::string cell_text(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return report::json_number(v);
  return v.dump();
}

std::string csv(const Json& t) {
  std::string out;
  const Json& columns = t.at("columns");
  for (std::size_t c = 0; c < columns.size(); ++c)
    out += (c ? "," : "") + report::csv_field(columns[c].get<std::string>());
  out += "\n";
  for (const Json& row : t.at("rows")) {
    for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + report::csv_field(cell_text(row[c]));
    out += "\n";
  }
  return out;
}

std::string html_cell(const Json& v) {
  if (v.is_number_float()) return svg::sig(v.get<double>(), 4);
  return svg::escape(cell_text(v));
}

std::string html_table(const Json& t) {
  std::string s = "<table class=\"grid\">\n<tr>";
  for (const Json& c : t.at("columns")) s += "<th>" + svg::escape(c.get<std::string>()) + "</th>";
  s += "</tr>\n";
  for (const Json& row : t.at("rows")) {
    s += "<tr>";
    for (const Json& v : row) s += "<td>" + html_cell(v) + "</td>";
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

std::size_t column_index(const Json& t, const std::string& name) {
  const Json& columns = t.at("columns");
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c].get<std::string>() == name) return c;
  throw Error("experiment table " + t.at("name").get<std::string>() + " has no column " + name);
}

/// y against x, one polyline per series.
std::string line_chart(const Json& t) {
  const Json& plot = t.at("plot");
  const std::size_t xi = column_index(t, plot.at("x").get<std::string>());
  const std::size_t yi = column_index(t, plot.at("y").get<std::string>());
  std::vector<std::size_t> series_columns;
  for (const Json& s : plot.at("series")) series_columns.push_back(column_index(t, s.get<std::string>()));
  std::map<std::string, std::vector<std::pair<double, double>>> lines;
  std::vector<std::string> order;
  for (const Json& row : t.at("rows")) {
    if (!row[xi].is_number() || !row[yi].is_number()) continue;
    std::string key;
    for (const std::size_t c : series_columns) key += (key.empty() ? "" : ", ") + cell_text(row[c]);
    if (lines.find(key) == lines.end()) order.push_back(key);
    lines[key].push_back({row[xi].get<double>(), row[yi].get<double>()});
  }
  if (lines.empty()) return "";
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& [k, points] : lines)
    for (const auto& [x, y] : points) {
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  const bool log_y = y0 > 0;
  const auto fy = [&](double y) { return log_y ? std::log10(y) : y; };
  double ly0 = fy(y0), ly1 = fy(y1);
  if (ly1 - ly0 < 1e-12) ly0 -= 0.5, ly1 += 0.5;
  if (x1 - x0 < 1e-12) x0 -= 0.5, x1 += 0.5;
  const double w = 640, h = 320, left = 70, right = 220, top = 14, bottom = 40;
  const double pw = w - left - right, ph = h - top - bottom;
  const auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  const auto py = [&](double y) { return top + (1.0 - (fy(y) - ly0) / (ly1 - ly0)) * ph; };
  const std::string ylabel = plot.at("y").get<std::string>() + (log_y ? " (log)" : "");
  std::string s = svg::open(t.at("name").get<std::string>() + "-plot", w, h,
                            ylabel + " against " + plot.at("x").get<std::string>());
  s +=
      svg::plain_line(left, top + ph, left + pw, top + ph, "#999") + svg::plain_line(left, top, left, top + ph, "#999");
  s += svg::text(left + pw / 2, h - 6, plot.at("x").get<std::string>(), "middle");
  s += svg::text(left - 6, top + 10, svg::sig(y1, 3), "end", "class=\"small\"");
  s += svg::text(left - 6, top + ph, svg::sig(y0, 3), "end", "class=\"small\"");
  s += svg::text(left, top + ph + 16, svg::sig(x0, 3), "middle", "class=\"small\"");
  s += svg::text(left + pw, top + ph + 16, svg::sig(x1, 3), "middle", "class=\"small\"");
  s += svg::text(12, top + ph / 2, ylabel, "middle", "transform=\"rotate(-90 12 " + svg::px(top + ph / 2) + ")\"");
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::string colour = svg::component_colour("", static_cast<int>(i));
    const auto& points = lines[order[i]];
    for (std::size_t p = 0; p < points.size(); ++p) {
      const auto& [x, y] = points[p];
      if (p > 0) s += svg::line(px(points[p - 1].first), py(points[p - 1].second), px(x), py(y), colour, 2, order[i]);
      s += svg::circle(px(x), py(y), 3, colour, order[i] + ": " + svg::sig(x, 4) + ", " + svg::sig(y, 4));
    }
    s += svg::plain_rect(left + pw + 14, top + 4 + 16.0 * double(i), 10, 10, colour);
    s += svg::text(left + pw + 30, top + 13 + 16.0 * double(i), order[i], "start", "class=\"small\"");
  }
  return s + "</svg>\n";
}

}  // namespace

std::string experiment_html(const std::string& name, const Json& result) {
  std::string body;
  if (result.contains("tables"))
    for (const Json& t : result.at("tables")) {
      std::string content = t.contains("plot") ? line_chart(t) : "";
      content += html_table(t);
      body += svg::section(t.at("name").get<std::string>(), t.at("name").get<std::string>(), content, "");
    }
  Json options = result.value("options", Json::object());
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>imcsim rla " +
         svg::escape(name) + "</title>\n<style>" + svg::page_style() + "</style>\n</head>\n<body>\n<h1>imcsim rla " +
         svg::escape(name) + "</h1>\n<p class=\"note\">" + svg::escape(options.dump()) + "</p>\n<main>\n" + body +
         "</main>\n</body>\n</html>\n";
}

void write_experiment_files(const std::string& dir, const std::string& name, const Json& result) {
  std::vector<std::pair<std::string, std::string>> files;
  files.push_back({dir + "/" + name + ".json", result.dump(2) + "\n"});
  if (result.contains("tables"))
    for (const Json& t : result.at("tables"))
      files.push_back({dir + "/" + name + "-" + t.at("name").get<std::string>() + ".csv", csv(t)});
  files.push_back({dir + "/" + name + ".html", experiment_html(name, result)});
  for (const auto& [path, text] : files) write_file_atomically(path, text);
}

}  // namespace imcsim::rla
