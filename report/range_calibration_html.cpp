#include "report/range_calibration_html.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/svg.h"

namespace imcsim::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr double chart_width = 600, label_width = 130, panel_gap = 24, row_pitch = 26, top = 44, bottom = 34;

std::string short_name(const std::string& name) { return name.size() <= 16 ? name : name.substr(0, 14) + "..."; }

/// Whether any layer gives `key`.
bool any_layer_has(const Json& layers, const char* key) {
  return std::any_of(layers.begin(), layers.end(), [&](const Json& l) { return l.contains(key); });
}

/// "tile (row 0, col 1, replica 2, core 17)".
std::string tile_name(const Json& t) {
  std::string s = "tile (row " + t.at("row_tile").dump() + ", col " + t.at("col_tile").dump();
  if (t.contains("replica")) s += ", replica " + t.at("replica").dump();
  if (t.contains("core")) s += ", core " + t.at("core").dump();
  return s + ")";
}

struct Panel {
  double x0 = 0, x1 = 0;
};

/// One strip per layer: a dot per tile at its `key` value on a log axis shared by the layers.
std::string strip_panel(const Json& layers, const char* key, const std::string& heading, const Panel& p) {
  double lo = 1e300, hi = 0;
  for (const auto& l : layers)
    if (l.contains("tiles"))
      for (const auto& t : l.at("tiles"))
        if (t.contains(key)) {
          lo = std::min(lo, t.at(key).get<double>());
          hi = std::max(hi, t.at(key).get<double>());
        }
  std::string s = svg::text(p.x0, 16, heading, "start", "class=\"small\"");
  if (hi <= 0) return s;
  const double l_lo = std::log10(lo / 1.25), l_hi = std::log10(hi * 1.25);
  const auto x = [&](double v) { return p.x0 + (std::log10(v) - l_lo) / (l_hi - l_lo) * (p.x1 - p.x0); };
  const double y_end = top + row_pitch * static_cast<double>(layers.size());
  s += svg::text(p.x0, 30, "log scale", "start", "class=\"small\"");
  for (double v : {lo, std::sqrt(lo * hi), hi}) {
    s += svg::plain_line(x(v), top - 4, x(v), y_end, "#e4e4e4");
    s += svg::text(x(v), y_end + 14, svg::sig(v, 3), "middle", "class=\"small\"");
  }
  double y = top;
  for (const auto& l : layers) {
    const std::string name = l.at("name").get<std::string>();
    bool drawn = false;
    if (l.contains("tiles")) {
      int i = 0;
      for (const auto& t : l.at("tiles")) {
        if (!t.contains(key)) continue;
        const double v = t.at(key).get<double>();
        const double jitter = static_cast<double>((i++ * 7) % 9 - 4) * 1.8;  // spreads equal values apart
        s += svg::circle(x(v), y + row_pitch / 2 + jitter, 3.2, "#1f77b4",
                         name + " " + tile_name(t) + ": " + heading + " " + svg::shortest(v), "fill-opacity=\"0.6\"");
        drawn = true;
      }
    }
    if (!drawn) s += svg::text(p.x0, y + 17, "default", "start", "class=\"small\"");
    y += row_pitch;
  }
  return s;
}

/// One row of ten cells per layer: the share of the layer's columns whose kappa falls in each bin.
std::string kappa_panel(const Json& layers, const Panel& p) {
  std::string s = svg::text(p.x0, 16, "column kappa", "start", "class=\"small\"");
  s += svg::text(p.x0, 30, "share of its columns per bin", "start", "class=\"small\"");
  const double y_end = top + row_pitch * static_cast<double>(layers.size());
  for (double v : {0.0, 0.5, 1.0})
    s += svg::text(p.x0 + v * (p.x1 - p.x0), y_end + 14, svg::shortest(v), "middle", "class=\"small\"");
  double y = top;
  for (const auto& l : layers) {
    const std::string name = l.at("name").get<std::string>();
    if (!l.contains("column_kappa_histogram")) {
      s += svg::text(p.x0, y + 17, "default (1)", "start", "class=\"small\"");
      y += row_pitch;
      continue;
    }
    const Json& h = l.at("column_kappa_histogram");
    const Json& counts = h.at("counts");
    const Json& edges = h.at("bin_edges");
    double columns = 0;
    for (const auto& c : counts) columns += c.get<double>();
    const double w = (p.x1 - p.x0) / static_cast<double>(counts.size());
    for (std::size_t b = 0; b < counts.size(); ++b) {
      const double n = counts[b].get<double>(), share = columns > 0 ? n / columns : 0;
      s += svg::rect(p.x0 + w * static_cast<double>(b), y + 4, w - 1, row_pitch - 8, svg::blues(share),
                     name + ": " + counts[b].dump() + " of " + svg::shortest(columns) + " columns (" +
                         svg::percent(share) + ") with kappa in (" + svg::shortest(edges[b].get<double>()) + ", " +
                         svg::shortest(edges[b + 1].get<double>()) + "]");
    }
    y += row_pitch;
  }
  return s;
}

}  // namespace

std::string range_calibration_chart(const Json& calibration) {
  const Json& layers = calibration.at("layers");
  std::vector<std::pair<const char*, std::string>> strips;
  if (any_layer_has(layers, "input_range")) strips.emplace_back("input_range", "DAC input range per tile");
  if (any_layer_has(layers, "adc_range")) strips.emplace_back("adc_range", "ADC range per tile");
  const bool kappa = any_layer_has(layers, "column_kappa_histogram");
  const int panels = static_cast<int>(strips.size()) + (kappa ? 1 : 0);
  const double height = top + row_pitch * static_cast<double>(layers.size()) + bottom;
  std::string s = svg::open("range-calibration-chart", chart_width, height,
                            "range calibration: the tiles' ranges and the columns' kappa per layer");
  double y = top;
  for (const auto& l : layers) {
    s += svg::text(label_width - 10, y + 17, short_name(l.at("name").get<std::string>()), "end");
    y += row_pitch;
  }
  if (panels == 0)
    return s + svg::text(label_width, 30, "the file gives no values: every layer keeps the defaults") + "</svg>\n";
  const double panel_width = (chart_width - label_width - 10 - panel_gap * (panels - 1)) / panels;
  double x = label_width;
  for (const auto& [key, heading] : strips) {
    s += strip_panel(layers, key, heading, {x, x + panel_width});
    x += panel_width + panel_gap;
  }
  if (kappa) s += kappa_panel(layers, {x, x + panel_width});
  return s + "</svg>\n";
}

std::string range_calibration_table(const Json& calibration) {
  std::string t =
      "<table id=\"range-calibration-table\" class=\"grid\">\n<thead><tr><th>layer</th><th>tiles set</th>"
      "<th>input range (min / median / max)</th><th>column kappa (min / median / max)</th>"
      "<th>ADC range (min / median / max)</th></tr></thead>\n<tbody>\n";
  const auto cell = [](const std::string& v) { return "<td>" + svg::escape(v) + "</td>"; };
  const auto spread = [](const Json& l, const char* key) -> std::string {
    if (!l.contains(key)) return "default";
    const Json& s = l.at(key);
    return svg::sig(s.at("min").get<double>(), 4) + " / " + svg::sig(s.at("median").get<double>(), 4) + " / " +
           svg::sig(s.at("max").get<double>(), 4);
  };
  for (const auto& l : calibration.at("layers")) {
    t += "<tr>" + cell(l.at("name").get<std::string>()) + cell(l.at("tiles_set").dump()) +
         cell(spread(l, "input_range")) + cell(spread(l, "column_kappa")) + cell(spread(l, "adc_range")) + "</tr>\n";
  }
  return t + "</tbody>\n</table>\n";
}

}  // namespace imcsim::report
