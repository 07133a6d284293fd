#include "report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

namespace imcsim::report::svg {

namespace {

struct Rgb {
  double r, g, b;
};

std::string interpolate(const std::array<Rgb, 5>& stops, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * (stops.size() - 1);
  const std::size_t k = std::min(static_cast<std::size_t>(t), stops.size() - 2);
  const double f = t - static_cast<double>(k);
  const auto mix = [&](double a, double b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
  char out[8];
  std::snprintf(out, sizeof out, "#%02x%02x%02x", mix(stops[k].r, stops[k + 1].r), mix(stops[k].g, stops[k + 1].g),
                mix(stops[k].b, stops[k + 1].b));
  return out;
}

std::string format(const char* pattern, int precision, double value) {
  char out[64];
  std::snprintf(out, sizeof out, pattern, precision, value);
  std::string s = out;
  if (s.rfind("-0", 0) == 0 && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // no "-0.0"
  return s;
}

std::string title_element(const std::string& title) { return "<title>" + escape(title) + "</title>"; }

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string sig(double value, int significant) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(value))));
  return fixed(value, std::clamp(significant - 1 - magnitude, 0, 12));
}

std::string shortest(double value) {
  if (!std::isfinite(value)) return "n/a";
  return format("%.*g", 6, value);
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  return format("%.*f", decimals, value);
}

std::string percent(double fraction, int decimals) { return fixed(100.0 * fraction, decimals) + " %"; }

std::string px(double value) { return format("%.*f", 1, value); }

std::string blues(double t) {
  static const std::array<Rgb, 5> stops = {
      {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};
  return interpolate(stops, t);
}

bool dark_on_blues(double t) { return t > 0.55; }

std::string heat(double t) {
  static const std::array<Rgb, 5> stops = {
      {{208, 208, 208}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {140, 0, 30}}};
  return interpolate(stops, t);
}

std::string component_colour(const std::string& component, int index) {
  static const std::map<std::string, std::string> fixed_colours = {
      {"array", "#4e79a7"}, {"adc", "#f28e2b"},     {"dac", "#e15759"},    {"digital", "#76b7b2"},
      {"sram", "#59a14f"},  {"network", "#edc948"}, {"static", "#b07aa1"}, {"programming", "#ff9da7"}};
  static const std::array<const char*, 4> others = {"#9c755f", "#bab0ac", "#86bcb6", "#d37295"};
  const auto it = fixed_colours.find(component);
  return it != fixed_colours.end() ? it->second : others[static_cast<std::size_t>(index) % others.size()];
}

std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& title) {
  return "<rect class=\"mark\" x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) +
         "\" height=\"" + px(std::max(h, 0.0)) + "\" fill=\"" + fill + "\">" + title_element(title) + "</rect>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                 const std::string& title, const std::string& extra) {
  return "<line class=\"mark\" x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) +
         "\" stroke=\"" + stroke + "\" stroke-width=\"" + px(width) + "\"" + (extra.empty() ? "" : " " + extra) + ">" +
         title_element(title) + "</line>\n";
}

std::string circle(double cx, double cy, double r, const std::string& fill, const std::string& title,
                   const std::string& extra) {
  return "<circle class=\"mark\" cx=\"" + px(cx) + "\" cy=\"" + px(cy) + "\" r=\"" + px(r) + "\" fill=\"" + fill +
         "\"" + (extra.empty() ? "" : " " + extra) + ">" + title_element(title) + "</circle>\n";
}

std::string plain_rect(double x, double y, double w, double h, const std::string& fill) {
  return "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) + "\" height=\"" +
         px(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"/>\n";
}

std::string plain_line(double x1, double y1, double x2, double y2, const std::string& stroke,
                       const std::string& extra) {
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\" stroke=\"" +
         stroke + "\"" + (extra.empty() ? "" : " " + extra) + "/>\n";
}

std::string text(double x, double y, const std::string& content, const std::string& anchor, const std::string& extra) {
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\"" +
         (anchor == "start" ? "" : " text-anchor=\"" + anchor + "\"") + (extra.empty() ? "" : " " + extra) + ">" +
         escape(content) + "</text>\n";
}

std::string legend(double x, double y, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (const auto& [name, colour] : entries) {
    out += plain_rect(x, y - 10, 12, 12, colour);
    out += text(x + 16, y, name);
    x += 28 + 7.5 * static_cast<double>(name.size());
  }
  return out;
}

std::string stacked_bar(double x, double y, double height, double px_per_unit,
                        const std::vector<std::pair<std::string, double>>& parts,
                        const std::function<std::string(const std::string&, double)>& title_of,
                        const std::string& total_label) {
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const auto& [name, value] = parts[k];
    const double w = value * px_per_unit;
    out += rect(x, y, w, height, component_colour(name, static_cast<int>(k)), title_of(name, value));
    x += w;
  }
  return out + text(x + 6, y + 13, total_label, "start", "class=\"small\"");
}

std::string open(const std::string& id, double width, double height, const std::string& label) {
  return "<svg id=\"" + escape(id) + "\" class=\"chart\" role=\"img\" aria-label=\"" + escape(label) + "\" width=\"" +
         px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " + px(height) + "\">\n";
}

std::string page_style() {
  return R"(body{font-family:"DejaVu Sans",Verdana,sans-serif;font-size:14px;color:#222;margin:24px;max-width:1320px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 8px}
main{display:flex;flex-wrap:wrap;gap:20px}
section{border:1px solid #ddd;border-radius:6px;padding:12px 16px;background:#fff}
.note{color:#666;font-size:12px;max-width:600px;margin:6px 0 0}
svg text{font-size:12px;fill:#333}svg text.small{font-size:11px}svg text.tiny{font-size:9px}
svg .mark:hover{opacity:.75}
table{border-collapse:collapse}
table.kv th{text-align:left;font-weight:normal;color:#555;padding:2px 14px 2px 0;vertical-align:top}
table.kv td{padding:2px 0}
table.grid th,table.grid td{border:1px solid #ddd;padding:3px 8px;text-align:right}
table.grid th{background:#f4f4f4}table.grid td:first-child,table.grid th:first-child{text-align:left}
)";
}

std::string section(const std::string& id, const std::string& heading, const std::string& body,
                    const std::string& note) {
  return "<section id=\"" + escape(id) + "\">\n<h2>" + escape(heading) + "</h2>\n" + body +
         (note.empty() ? "" : "<p class=\"note\">" + escape(note) + "</p>\n") + "</section>\n";
}

}  // namespace imcsim::report::svg
