#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "report/range_calibration_html.h"
#include "report/report_json.h"
#include "report/svg.h"
#include "report/training_step_html.h"

namespace imcsim::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr double chart_width = 600;

double number(const Json& j, const std::string& path) { return at_path(j, path).get<double>(); }

/// "1 h", "30 d", "1 y", or seconds when no unit divides the time.
std::string duration(double t_s) {
  static const std::vector<std::pair<double, const char*>> units = {
      {365.0 * 86400, "y"}, {86400, "d"}, {3600, "h"}, {60, "min"}};
  for (const auto& [seconds, unit] : units) {
    if (t_s >= seconds && std::fmod(t_s, seconds) == 0) return svg::shortest(t_s / seconds) + " " + unit;
  }
  return svg::shortest(t_s) + " s";
}

/// Core ids as ranges: "0-3, 7, 9-10".
std::string core_ranges(const Json& ids) {
  std::vector<int> cores;
  for (const auto& id : ids) cores.push_back(id.get<int>());
  std::sort(cores.begin(), cores.end());
  std::string out;
  for (std::size_t i = 0; i < cores.size();) {
    std::size_t j = i;
    while (j + 1 < cores.size() && cores[j + 1] == cores[j] + 1) ++j;
    out += (out.empty() ? "" : ", ") + std::to_string(cores[i]) + (j > i ? "-" + std::to_string(cores[j]) : "");
    i = j + 1;
  }
  return out;
}

std::string row(const std::string& key, const std::string& value) {
  return "<tr><th>" + svg::escape(key) + "</th><td>" + svg::escape(value) + "</td></tr>\n";
}

using svg::legend;

// --- design point and figures --------------------------------------------------------------------------------

std::string design_point(const Json& r) {
  const Json& chip = at_path(r, "chip");
  std::string drift;
  if (const Json* analog = find_path(r, "accuracy.analog")) {
    for (const auto& a : *analog) drift += (drift.empty() ? "" : ", ") + duration(a.at("t_s").get<double>());
  }
  std::string t = "<table class=\"kv\">\n";
  t += row("chip", chip.at("name").get<std::string>() + ": " + std::to_string(chip.at("cores").get<int>()) +
                       " cores of " + std::to_string(chip.at("rows").get<int>()) + " x " +
                       std::to_string(chip.at("cols").get<int>()) + " cells");
  if (chip.contains("grid_x") && chip.contains("grid_y")) {
    t += row("network", chip.value("topology", std::string("network")) + " on a " +
                            std::to_string(chip["grid_x"].get<int>()) + " x " +
                            std::to_string(chip["grid_y"].get<int>()) + " grid");
  }
  t += row("model", at_path(r, "model").get<std::string>());
  if (const Json* absent = find_path(r, "accuracy.absent")) {
    t += row("accuracy", absent->get<std::string>());
  } else {
    t += row("data set", at_path(r, "dataset").get<std::string>() + ", " +
                             std::to_string(at_path(r, "accuracy.images").get<int>()) + " images");
  }
  if (const Json* seed = find_path(r, "seed")) t += row("seed", seed->dump());
  if (!drift.empty()) t += row("drift times", drift);
  t += row("mapping", std::to_string(at_path(r, "mapping.cores_used").get<int>()) + " of " +
                          std::to_string(at_path(r, "mapping.cores_available").get<int>()) + " cores, replication " +
                          at_path(r, "mapping.replication").get<std::string>());
  if (const Json* calibration = find_path(r, "accuracy.calibration"))
    t += row("calibration", calibration->get<std::string>());
  if (const Json* version = find_path(r, "imcsim_version")) t += row("imcsim", version->get<std::string>());
  return t + "</table>\n";
}

std::string figures(const Json& r) {
  std::string t = "<table class=\"kv\">\n";
  t += row("latency per inference", svg::sig(number(r, "latency.per_inference_ns"), 4) + " ns (empty pipeline), " +
                                        svg::sig(number(r, "latency.mean_inference_ns"), 4) + " ns mean of " +
                                        at_path(r, "latency.inferences_simulated").dump() + " pipelined");
  t += row("throughput", svg::sig(number(r, "throughput.inferences_per_s"), 4) + " inferences/s (one every " +
                             svg::sig(number(r, "throughput.interval_ns"), 4) + " ns), " +
                             svg::sig(number(r, "throughput.tops"), 3) + " TOPS");
  t += row("energy per inference", svg::sig(number(r, "energy.per_inference_uj"), 4) + " uJ, " +
                                       svg::sig(number(r, "energy.tops_per_w"), 3) + " TOPS/W");
  t += row("programming", svg::sig(number(r, "programming.time_ns") * 1e-3, 4) + " us, " +
                              svg::sig(number(r, "programming.energy_uj"), 4) + " uJ (once, not per inference)");
  t += row("utilisation", "cores " + svg::percent(number(r, "utilisation.cores")) + ", links " +
                              svg::percent(number(r, "utilisation.links_mean"), 2) + " mean, " +
                              svg::percent(number(r, "utilisation.links_max")) + " busiest");
  return t + "</table>\n";
}

// --- accuracy vs drift time ----------------------------------------------------------------------------------

std::string accuracy_chart(const Json& r) {
  const double fp32 = number(r, "accuracy.fp32");
  const Json& analog = at_path(r, "accuracy.analog");
  double t_lo = 1e300, t_hi = 0, v_lo = fp32, v_hi = fp32;
  for (const auto& a : analog) {
    const double t = std::max(a.at("t_s").get<double>(), 1e-3);
    t_lo = std::min(t_lo, t);
    t_hi = std::max(t_hi, t);
    for (const char* k : {"top1", "top1_no_compensation"}) {
      v_lo = std::min(v_lo, a.at(k).get<double>());
      v_hi = std::max(v_hi, a.at(k).get<double>());
    }
  }
  if (analog.empty()) t_lo = t_hi = 3600;
  const double margin = t_hi / t_lo > 100 ? 3 : 10;
  const double lt_lo = std::log10(t_lo / margin), lt_hi = std::log10(t_hi * margin);
  double step = 0.2;
  for (double s : {0.005, 0.01, 0.02, 0.05, 0.1}) {
    if ((v_hi - v_lo + 0.03) / s <= 8) {
      step = s;
      break;
    }
  }
  const double y_lo = std::max(0.0, std::floor((v_lo - 0.015) / step) * step);
  const double y_hi = std::min(1.0, std::ceil((v_hi + 0.01) / step) * step);
  const double height = 330, x0 = 70, x1 = chart_width - 180, y0 = 20, y1 = height - 55;
  const auto x = [&](double t) { return x0 + (std::log10(std::max(t, 1e-3)) - lt_lo) / (lt_hi - lt_lo) * (x1 - x0); };
  const auto y = [&](double v) { return y1 - (v - y_lo) / std::max(y_hi - y_lo, 1e-9) * (y1 - y0); };

  std::string s = svg::open("accuracy-chart", chart_width, height, "top-1 accuracy vs time after programming");
  for (double v = y_lo; v <= y_hi + 1e-9; v += step) {
    s += svg::plain_line(x0, y(v), x1, y(v), "#e4e4e4");
    s += svg::text(x0 - 6, y(v) + 4, svg::percent(v, step < 0.01 ? 1 : 0), "end");
  }
  // Time ticks: the round units first, then the in-between ones where they leave room for their labels.
  static const std::vector<std::pair<double, const char*>> ticks = {
      {0.01, "10 ms"},   {1, "1 s"},          {60, "1 min"},         {3600, "1 h"},   {86400, "1 d"},
      {31536000, "1 y"}, {315360000, "10 y"}, {3153600000, "100 y"}, {0.1, "100 ms"}, {10, "10 s"},
      {600, "10 min"},   {604800, "1 week"},  {2592000, "30 d"}};
  std::vector<double> placed;
  for (const auto& [t, label] : ticks) {
    if (std::log10(t) < lt_lo || std::log10(t) > lt_hi) continue;
    const double at = x(t);
    if (std::any_of(placed.begin(), placed.end(), [&](double p) { return std::abs(p - at) < 56; })) continue;
    placed.push_back(at);
    s += svg::plain_line(at, y0, at, y1, "#e4e4e4");
    s += svg::text(at, y1 + 16, label, "middle");
  }
  s += svg::plain_line(x0, y1, x1, y1, "#444") + svg::plain_line(x0, y0, x0, y1, "#444");
  s += svg::text((x0 + x1) / 2, height - 12, "time after programming (log scale)", "middle");
  s += svg::text(16, (y0 + y1) / 2, "top-1", "middle", "transform=\"rotate(-90 16 " + svg::px((y0 + y1) / 2) + ")\"");

  s += svg::line(x0, y(fp32), x1, y(fp32), "#555", 2, "FP32 reference: top-1 " + svg::percent(fp32, 2),
                 "stroke-dasharray=\"6 4\"");
  // Uncompensated first with larger points, so equal values show both.
  const std::vector<std::tuple<const char*, const char*, const char*, double>> series = {
      {"top1_no_compensation", "#ff7f0e", "without compensation", 6.0},
      {"top1", "#1f77b4", "with drift compensation", 4.0}};
  for (const auto& [key, colour, name, radius] : series) {
    std::string path;
    for (const auto& a : analog) {
      path += (path.empty() ? "M" : " L") + svg::px(x(a.at("t_s").get<double>())) + " " +
              svg::px(y(a.at(key).get<double>()));
    }
    if (analog.size() > 1)
      s += std::string("<path d=\"") + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
    for (const auto& a : analog) {
      std::string title = duration(a.at("t_s").get<double>()) + " after programming, " + name + ": top-1 " +
                          svg::percent(a.at(key).get<double>(), 2) + " (FP32 " + svg::percent(fp32, 2) + ")";
      if (std::string(key) == "top1" && a.contains("differing_images"))
        title += ", " + a.at("differing_images").dump() + " predictions differ from FP32";
      s += svg::circle(x(a.at("t_s").get<double>()), y(a.at(key).get<double>()), radius, colour, title);
    }
  }
  double ly = y0 + 10;
  for (const auto& [label, colour, dash] :
       std::vector<std::tuple<std::string, std::string, bool>>{{"FP32 reference", "#555", true},
                                                               {"chip, compensated", "#1f77b4", false},
                                                               {"chip, uncompensated", "#ff7f0e", false}}) {
    s += svg::plain_line(x1 + 12, ly, x1 + 36, ly, colour,
                         std::string("stroke-width=\"2\"") + (dash ? " stroke-dasharray=\"6 4\"" : ""));
    s += svg::text(x1 + 42, ly + 4, label, "start", "class=\"small\"");
    ly += 20;
  }
  return s + "</svg>\n";
}

// --- per-layer bars ------------------------------------------------------------------------------------------

constexpr double bar_label_width = 170, bar_pitch = 26, bar_height = 18;

std::string short_name(const std::string& name) { return name.size() <= 24 ? name : name.substr(0, 22) + "..."; }

std::string layer_latency_chart(const Json& r) {
  const Json& layers = at_path(r, "latency.per_layer");
  double top = 0;
  for (const auto& l : layers) top = std::max(top, l.at("latency_ns").get<double>());
  const double height = 30 + bar_pitch * static_cast<double>(layers.size()) + 10;
  const double x0 = bar_label_width, x1 = chart_width - 120;
  std::string s = svg::open("layer-latency-chart", chart_width, height, "latency per layer");
  s += svg::text(x0, 16, "latency of the first inference on the layer (ns)", "start", "class=\"small\"");
  double yy = 30;
  for (const auto& l : layers) {
    const std::string name = l.at("name").get<std::string>();
    const double ns = l.at("latency_ns").get<double>();
    const double w = top > 0 ? ns / top * (x1 - x0) : 0;
    s += svg::text(x0 - 8, yy + 13, short_name(name), "end");
    s += svg::rect(x0, yy, w, bar_height, "#4e79a7",
                   name + ": latency " + svg::sig(ns, 5) + " ns; busy " + svg::sig(l.value("busy_ns", 0.0), 5) +
                       " ns per inference over " + l.value("cores", Json(0)).dump() + " cores, utilisation " +
                       svg::percent(l.value("utilisation", 0.0)));
    s += svg::text(x0 + w + 6, yy + 13, svg::sig(ns, 4) + " ns", "start", "class=\"small\"");
    yy += bar_pitch;
  }
  return s + "</svg>\n";
}

std::string layer_energy_chart(const Json& r) {
  const Json& layers = at_path(r, "energy.per_layer");
  const std::vector<std::string> components = layer_energy_components(r);
  double top = 0;
  for (const auto& l : layers) top = std::max(top, l.at("energy_uj").get<double>());
  const double height = 52 + bar_pitch * static_cast<double>(layers.size()) + 10;
  const double x0 = bar_label_width, x1 = chart_width - 120;
  std::string s = svg::open("layer-energy-chart", chart_width, height, "dynamic energy per layer by component");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t k = 0; k < components.size(); ++k)
    entries.emplace_back(components[k], svg::component_colour(components[k], static_cast<int>(k)));
  s += svg::text(x0, 16, "dynamic energy per inference (uJ)", "start", "class=\"small\"");
  s += legend(x0, 38, entries);
  double yy = 52;
  for (const auto& l : layers) {
    const std::string name = l.at("name").get<std::string>();
    const double total = l.at("energy_uj").get<double>();
    s += svg::text(x0 - 8, yy + 13, short_name(name), "end");
    std::vector<std::pair<std::string, double>> parts;
    for (const auto& c : components) {
      if (l.contains("breakdown_uj") && l["breakdown_uj"].contains(c)) parts.emplace_back(c, l["breakdown_uj"][c]);
    }
    s += svg::stacked_bar(
        x0, yy, bar_height, top > 0 ? (x1 - x0) / top : 0, parts,
        [&](const std::string& c, double uj) {
          return name + ", " + c + ": " + svg::sig(uj, 4) + " uJ per inference (" +
                 svg::percent(total > 0 ? uj / total : 0) + " of the layer's " + svg::sig(total, 4) + " uJ)";
        },
        svg::sig(total, 3) + " uJ");
    yy += bar_pitch;
  }
  return s + "</svg>\n";
}

std::string energy_breakdown_chart(const Json& r) {
  const Json& breakdown = at_path(r, "energy.breakdown");
  double total = 0, top = 0;
  for (const auto& [c, uj] : breakdown.items()) {
    total += uj.get<double>();
    top = std::max(top, uj.get<double>());
  }
  const double x0 = bar_label_width, x1 = chart_width - 150;
  const double height = 64 + bar_pitch * static_cast<double>(breakdown.size()) + 10;
  std::string s = svg::open("energy-breakdown-chart", chart_width, height, "energy of one inference by component");
  s += svg::text(x0, 16, "share of the " + svg::sig(total, 4) + " uJ of one inference", "start", "class=\"small\"");
  // One strip of shares, then one bar per component on a common scale.
  double xx = x0;
  int k = 0;
  for (const auto& [c, uj] : breakdown.items()) {
    const double share = total > 0 ? uj.get<double>() / total : 0;
    s += svg::rect(xx, 24, share * (x1 - x0), bar_height, svg::component_colour(c, k++),
                   c + ": " + svg::percent(share) + " of the energy per inference");
    xx += share * (x1 - x0);
  }
  double yy = 64;
  k = 0;
  for (const auto& [c, uj] : breakdown.items()) {
    const double v = uj.get<double>();
    const double w = top > 0 ? v / top * (x1 - x0) : 0;
    s += svg::text(x0 - 8, yy + 13, c, "end");
    s += svg::rect(x0, yy, w, bar_height, svg::component_colour(c, k++),
                   c + ": " + svg::sig(v, 4) + " uJ per inference, " + svg::percent(total > 0 ? v / total : 0) +
                       " of " + svg::sig(total, 4) + " uJ");
    s += svg::text(x0 + w + 6, yy + 13, svg::sig(v, 3) + " uJ (" + svg::percent(total > 0 ? v / total : 0) + ")",
                   "start", "class=\"small\"");
    yy += bar_pitch;
  }
  return s + "</svg>\n";
}

// --- the grid: core heat map and link map --------------------------------------------------------------------

struct Grid {
  int x = 0, y = 0;
  double cell = 0;
  double left = 40, top = 16;
  /// Centre of node n's cell; +y is north (drawn upwards), as in interconnect/topology.h.
  double cx(int node) const { return left + (node % x + 0.5) * cell; }
  double cy(int node) const { return top + (static_cast<double>(y - 1 - node / x) + 0.5) * cell; }
  double legend_top() const { return top + y * cell + 30; }
  double width() const { return std::max(left + x * cell + 20, left + 420); }
  double height() const { return legend_top() + 56; }
};

/// The grid of the chip's network, or x = 0 when the report does not give it.
Grid grid_of(const Json& r, double max_side) {
  Grid g;
  const Json* gx = find_path(r, "chip.grid_x");
  const Json* gy = find_path(r, "chip.grid_y");
  if (gx == nullptr || gy == nullptr || gx->get<int>() < 1 || gy->get<int>() < 1) return g;
  g.x = gx->get<int>();
  g.y = gy->get<int>();
  g.cell = std::clamp(std::floor(max_side / std::max(g.x, g.y)), 10.0, 64.0);
  return g;
}

std::string grid_axes(const Grid& g) {
  std::string s;
  for (int i = 0; i < g.x; ++i) {
    if (g.cell >= 20 || i % 4 == 0) s += svg::text(g.cx(i), g.top + g.y * g.cell + 16, std::to_string(i), "middle");
  }
  for (int j = 0; j < g.y; ++j) {
    if (g.cell >= 20 || j % 4 == 0) s += svg::text(g.left - 8, g.cy(j * g.x) + 4, std::to_string(j), "end");
  }
  return s;
}

/// Per core: the names of the layers mapped onto it ("" when none, or when the report has no core ids).
std::vector<std::string> layers_per_core(const Json& r, int cores) {
  std::vector<std::string> names(static_cast<std::size_t>(std::max(cores, 0)));
  for (const auto& l : at_path(r, "mapping.layers")) {
    if (!l.contains("core_ids")) continue;
    for (const auto& id : l["core_ids"]) {
      const int c = id.get<int>();
      if (c < 0 || c >= cores) continue;
      auto& n = names[static_cast<std::size_t>(c)];
      n += (n.empty() ? "" : ", ") + l.at("name").get<std::string>();
    }
  }
  return names;
}

/// Below the grid: the colour scale from `low` to `high` (blues, or heat) and one swatch.
std::string grid_legend(const Grid& g, const std::string& low, const std::string& high, bool heat,
                        const std::string& swatch, const std::string& swatch_text) {
  const double x = g.left, y = g.legend_top() + 20, w = 170;
  std::string s = svg::text(x, g.legend_top() + 12, "busy share of the inference phase", "start", "class=\"small\"");
  const int steps = 20;
  for (int i = 0; i < steps; ++i) {
    const double t = (i + 0.5) / steps;
    s += svg::plain_rect(x + w * i / steps, y, w / steps + 0.5, 12, heat ? svg::heat(t) : svg::blues(t));
  }
  s += svg::text(x, y + 26, low, "start", "class=\"small\"");
  s += svg::text(x + w, y + 26, high, "end", "class=\"small\"");
  s += svg::plain_rect(x + 220, y, 12, 12, swatch);
  s += svg::text(x + 238, y + 10, swatch_text, "start", "class=\"small\"");
  return s;
}

/// What a grid chart draws: the grid, the per-node list at `path` of report.json and the layers of each core;
/// `values` is null when the report lacks the grid or the list.
struct GridData {
  Grid g;
  const Json* values = nullptr;
  std::vector<std::string> layers;
  int nodes() const { return g.x * g.y; }
  /// "core 12 (x 4, y 1)"
  std::string core(int n) const {
    return "core " + std::to_string(n) + " (x " + std::to_string(n % g.x) + ", y " + std::to_string(n / g.x) + ")";
  }
};

GridData grid_data(const Json& r, const std::string& path) {
  GridData d;
  d.g = grid_of(r, 440);
  if (d.g.x == 0) return d;
  d.values = find_path(r, path);
  d.layers = layers_per_core(r, d.nodes());
  return d;
}

std::string core_heatmap(const Json& r) {
  const GridData d = grid_data(r, "utilisation.per_core");
  if (d.values == nullptr) return "<p class=\"note\">This report has no per-core utilisation.</p>\n";
  const Grid& g = d.g;
  std::string s = svg::open("core-heatmap", g.width(), g.height(),
                            "core utilisation on the " + std::to_string(g.x) + " x " + std::to_string(g.y) + " grid");
  for (int n = 0; n < d.nodes(); ++n) {
    const bool known = n < static_cast<int>(d.values->size());
    const double u = known ? (*d.values)[static_cast<std::size_t>(n)].get<double>() : 0.0;
    const std::string& layer = d.layers[static_cast<std::size_t>(n)];
    const bool used = !layer.empty() || u > 0;
    const double x = g.cx(n) - g.cell / 2, y = g.cy(n) - g.cell / 2;
    const std::string state =
        used ? (layer.empty() ? "" : layer + ", ") + "busy " + svg::percent(u) + " of the inference phase"
             : "no layer mapped";
    const std::string title = d.core(n) + ": " + state;
    s += svg::rect(x + 1, y + 1, g.cell - 2, g.cell - 2, used ? svg::blues(u) : "#f4f4f4", title);
    if (g.cell >= 40) {
      const std::string ink = used && svg::dark_on_blues(u) ? "fill=\"#fff\"" : "fill=\"#333\"";
      s += svg::text(x + 4, y + 12, std::to_string(n), "start", "class=\"tiny\" " + ink);
      if (used) s += svg::text(g.cx(n), g.cy(n) + 8, svg::fixed(100 * u, 0) + "%", "middle", "class=\"small\" " + ink);
    }
  }
  s += grid_axes(g);
  s += grid_legend(g, "0 %", "100 %", false, "#f4f4f4", "no layer mapped");
  return s + "</svg>\n";
}

std::string link_map(const Json& r) {
  const GridData d = grid_data(r, "utilisation.per_link");
  if (d.values == nullptr) return "<p class=\"note\">This report has no per-link load.</p>\n";
  const Grid& g = d.g;
  const int nodes = d.nodes();
  double top = 0;
  for (const auto& l : *d.values) top = std::max(top, l.at("utilisation").get<double>());
  // Idle links first, the busiest last (on top).
  std::vector<const Json*> links;
  for (const auto& l : *d.values) links.push_back(&l);
  std::stable_sort(links.begin(), links.end(), [](const Json* a, const Json* b) {
    return a->at("utilisation").get<double>() < b->at("utilisation").get<double>();
  });
  std::string s = svg::open("link-map", g.width(), g.height(),
                            "link load on the " + std::to_string(g.x) + " x " + std::to_string(g.y) + " network");
  const double offset = std::max(1.5, g.cell * 0.05);
  for (const Json* l : links) {
    const int a = l->at("src").get<int>(), b = l->at("dst").get<int>();
    if (a < 0 || b < 0 || a >= nodes || b >= nodes) continue;
    int dx = b % g.x - a % g.x, dy = b / g.x - a / g.x;
    const bool wraps = std::abs(dx) > 1 || std::abs(dy) > 1;  // topologies step at most one cell
    if (std::abs(dx) > 1) dx = dx > 0 ? -1 : 1;
    if (std::abs(dy) > 1) dy = dy > 0 ? -1 : 1;
    // Screen direction (y drawn upwards) and a sideways offset, so the two directions of a pair sit apart.
    const double sx = dx, sy = -dy, len = std::hypot(sx, sy);
    const double ox = -sy / len * offset, oy = sx / len * offset;
    const double reach = wraps ? 0.45 : 1.0;
    const double x1 = g.cx(a) + ox, y1 = g.cy(a) + oy;
    const double x2 = g.cx(a) + sx * g.cell * reach + ox, y2 = g.cy(a) + sy * g.cell * reach + oy;
    const double u = l->at("utilisation").get<double>();
    const double t = top > 0 ? u / top : 0;
    s += svg::line(x1, y1, x2, y2, svg::heat(t), 1 + 4 * t,
                   "link " + std::to_string(a) + " -> " + std::to_string(b) + (wraps ? " (wrap-around)" : "") +
                       ": busy " + svg::percent(u, 2) + " of the inference phase",
                   wraps ? "stroke-dasharray=\"3 2\"" : "");
  }
  for (int n = 0; n < nodes; ++n) {
    const std::string& layer = d.layers[static_cast<std::size_t>(n)];
    s += svg::circle(g.cx(n), g.cy(n), std::max(2.5, g.cell * 0.16), layer.empty() ? "#fff" : "#c6dbef",
                     "router of " + d.core(n) + (layer.empty() ? "" : ": " + layer), "stroke=\"#555\"");
  }
  s += grid_axes(g);
  s += grid_legend(g, "0 %", svg::percent(top, 2) + " (busiest)", true, "#c6dbef", "node with a layer");
  return s + "</svg>\n";
}

// --- mapping table -------------------------------------------------------------------------------------------

std::string mapping_table(const Json& r) {
  std::string t =
      "<table id=\"mapping-table\" class=\"grid\">\n<thead><tr><th>layer</th><th>matrix (rows x cols)"
      "</th><th>MVMs per inference</th><th>tiles (row x col)</th><th>replicas</th><th>cores</th>"
      "<th>core ids</th><th>cell utilisation</th></tr></thead>\n<tbody>\n";
  for (const auto& l : at_path(r, "mapping.layers")) {
    const auto cell = [](const std::string& v) { return "<td>" + svg::escape(v) + "</td>"; };
    t += "<tr>" + cell(l.at("name").get<std::string>()) + cell(l.at("rows").dump() + " x " + l.at("cols").dump()) +
         cell(l.at("mvms_per_inference").dump()) + cell(l.at("row_tiles").dump() + " x " + l.at("col_tiles").dump()) +
         cell(l.at("replicas").dump()) + cell(l.at("cores").dump()) +
         cell(l.contains("core_ids") ? core_ranges(l["core_ids"]) : "") +
         cell(svg::percent(l.at("cell_utilisation").get<double>())) + "</tr>\n";
  }
  return t + "</tbody>\n</table>\n";
}

}  // namespace

std::string html_report(const Json& r) {
  const std::string model = at_path(r, "model").get<std::string>();
  const std::string chip = at_path(r, "chip.name").get<std::string>();
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  h += "<title>imcsim report: " + svg::escape(model) + " on " + svg::escape(chip) + "</title>\n";
  h += "<style>\n" + svg::page_style() + "</style>\n</head>\n<body>\n";
  h += "<h1>imcsim report: " + svg::escape(model) + " on " + svg::escape(chip) + "</h1>\n";
  h += "<p class=\"note\">Every figure comes from report.json of the same run; hover over a mark for its "
       "numbers.</p>\n<main>\n";
  h += svg::section("design-point", "Design point", design_point(r), "");
  h += svg::section("figures", "Figures", figures(r), "");
  if (const Json* absent = find_path(r, "accuracy.absent")) {
    h += svg::section("accuracy", "Accuracy",
                      "<p>Not evaluated: " + svg::escape(absent->get<std::string>()) + ".</p>\n", "");
  } else {
    h += svg::section("accuracy", "Accuracy vs drift time", accuracy_chart(r),
                      "Top-1 on the test images at each time after programming; FP32 is the same model in software.");
  }
  h += svg::section("layer-latency", "Latency per layer", layer_latency_chart(r),
                    "From the first instruction of the first inference on the layer to its last, queueing included.");
  h += svg::section("layer-energy", "Energy per layer", layer_energy_chart(r),
                    "Dynamic energy of one inference per layer by component (the static energy is the powered cores', "
                    "in the breakdown).");
  h += svg::section("energy-breakdown", "Energy by component", energy_breakdown_chart(r),
                    "One inference: dynamic energy of every layer plus the static energy of the powered cores over one "
                    "steady-state interval.");
  h += svg::section(
      "core-utilisation", "Core utilisation", core_heatmap(r),
      "Each cell is a core at its place on the network grid (y = 0 at the bottom); its colour is the share "
      "of the pipelined inference phase it was busy.");
  h += svg::section(
      "link-load", "Link load", link_map(r),
      "Each directed link is a line beside its opposite; colour and width follow its busy share relative to "
      "the busiest link. Dashed stubs are wrap-around links.");
  h += svg::section("mapping", "Mapping", mapping_table(r), "");
  if (const Json* step = find_path(r, "training_step")) h += training_step_section(*step);
  if (const Json* calibration = find_path(r, "accuracy.range_calibration")) {
    h += svg::section("range-calibration", "Range calibration",
                      range_calibration_chart(*calibration) + range_calibration_table(*calibration),
                      "The ranges the file " + calibration->at("file").get<std::string>() +
                          " gives, per layer: a dot per tile, the columns' kappa by bin, then the spread over the "
                          "tiles (and columns); a tile it leaves at the default keeps the "
                          "layer's percentile input scale, compiler.adc_range and kappa 1.");
  }
  return h + "</main>\n</body>\n</html>\n";
}

}  // namespace imcsim::report
