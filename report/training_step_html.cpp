#include "report/training_step_html.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "report/report_json.h"
#include "report/svg.h"

namespace imcsim::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr double width = 600, label_width = 130, right = 20;

/// The phases' colours, in forward, backward, update order.
const char* phase_colour(std::size_t phase) {
  static const char* colours[] = {"#4e79a7", "#f28e2b", "#59a14f"};
  return colours[phase % 3];
}

std::string figures(const Json& t) {
  const Json& m = at_path(t, "minibatch");
  const auto row = [](const std::string& key, const std::string& value) {
    return "<tr><th>" + svg::escape(key) + "</th><td>" + svg::escape(value) + "</td></tr>\n";
  };
  std::string s = "<table id=\"training-step-figures\" class=\"kv\">\n";
  s += row("minibatch", at_path(t, "batch").dump() + " samples, pulse length " + at_path(t, "pulse_length").dump() +
                            ", " + at_path(t, "cores_used").dump() + " cores");
  s += row("latency", svg::sig(at_path(m, "latency_ns").get<double>(), 4) + " ns per minibatch, " +
                          svg::sig(at_path(m, "images_per_s").get<double>(), 4) + " training images/s");
  s += row("energy", svg::sig(at_path(m, "energy_uj").get<double>(), 4) + " uJ per minibatch (static included), " +
                         svg::sig(at_path(m, "energy_per_image_uj").get<double>(), 4) + " uJ per image");
  s += row("update activity", at_path(t, "activity.source").get<std::string>());
  return s + "</table>\n";
}

/// A bar per layer and phase on the minibatch's time line.
std::string time_line(const Json& t) {
  const Json& layers = at_path(t, "layers");
  const double span = std::max(1e-9, at_path(t, "minibatch.latency_ns").get<double>());
  const double x0 = label_width, x1 = width - right, pitch = 34, bar = 9;
  const double height = 56 + pitch * static_cast<double>(layers.size()) + 24;
  std::string s = svg::open("training-step-chart", width, height, "each layer's phases over the minibatch");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t p = 0; p < at_path(t, "phases").size(); ++p)
    entries.emplace_back(at_path(t, "phases")[p].at("name").get<std::string>(), phase_colour(p));
  s += svg::text(x0, 16, "time since the minibatch began (ns)", "start", "class=\"small\"");
  s += svg::legend(x0, 38, entries);
  double y = 52;
  for (const auto& l : layers) {
    const std::string name = l.at("name").get<std::string>();
    s += svg::text(x0 - 8, y + 17, name, "end");
    const Json& phases = l.at("phases");
    for (std::size_t p = 0; p < phases.size(); ++p) {
      const Json& ph = phases[p];
      const double start = ph.at("start_ns").get<double>(), end = ph.at("end_ns").get<double>();
      if (end <= start) continue;
      const std::string phase = ph.at("name").get<std::string>();
      s += svg::rect(x0 + start / span * (x1 - x0), y + static_cast<double>(p) * (bar + 1),
                     (end - start) / span * (x1 - x0), bar, phase_colour(p),
                     name + ", " + phase + ": " + svg::sig(start, 4) + " to " + svg::sig(end, 4) + " ns (" +
                         svg::sig(end - start, 4) + " ns), busy " + svg::sig(ph.at("busy_ns").get<double>(), 4) +
                         " ns over its cores, " + svg::sig(ph.at("energy_uj").get<double>(), 4) + " uJ");
    }
    y += pitch;
  }
  s += svg::plain_line(x0, y, x1, y, "#888");
  for (int k = 0; k <= 4; ++k) {
    const double x = x0 + k / 4.0 * (x1 - x0);
    s += svg::plain_line(x, y, x, y + 4, "#888");
    s += svg::text(x, y + 16, svg::sig(span * k / 4.0, 3), "middle", "class=\"small\"");
  }
  return s + "</svg>\n";
}

/// A bar per phase: its dynamic energy by component.
std::string energy_chart(const Json& t) {
  const Json& phases = at_path(t, "phases");
  std::vector<std::string> components;
  for (const auto& [c, uj] : phases.at(0).at("breakdown_uj").items()) components.push_back(c);
  double top = 0;
  for (const auto& p : phases) top = std::max(top, p.at("energy_uj").get<double>());
  const double x0 = label_width, x1 = width - 110, pitch = 26;
  const double height = 52 + pitch * static_cast<double>(phases.size()) + 10;
  std::string s = svg::open("training-step-energy-chart", width, height, "dynamic energy of each phase by component");
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t k = 0; k < components.size(); ++k)
    entries.emplace_back(components[k], svg::component_colour(components[k], static_cast<int>(k)));
  s += svg::text(x0, 16, "dynamic energy per minibatch (uJ)", "start", "class=\"small\"");
  s += svg::legend(x0, 38, entries);
  double y = 52;
  for (const auto& p : phases) {
    const std::string phase = p.at("name").get<std::string>();
    const double total = p.at("energy_uj").get<double>();
    s += svg::text(x0 - 8, y + 13, phase, "end");
    std::vector<std::pair<std::string, double>> parts;
    for (const auto& c : components) parts.emplace_back(c, p.at("breakdown_uj").at(c).get<double>());
    s += svg::stacked_bar(
        x0, y, 18, top > 0 ? (x1 - x0) / top : 0, parts,
        [&](const std::string& c, double uj) {
          return phase + ", " + c + ": " + svg::sig(uj, 4) + " uJ (" + svg::percent(total > 0 ? uj / total : 0) +
                 " of " + svg::sig(total, 4) + " uJ)";
        },
        svg::sig(total, 3) + " uJ");
    y += pitch;
  }
  return s + "</svg>\n";
}

}  // namespace

std::string training_step_section(const Json& t) {
  return svg::section("training-step", "Training step", figures(t) + time_line(t) + energy_chart(t),
                      "One minibatch after the inferences: forward reads keeping their inputs, the loss gradient and "
                      "transposed reads from the last layer back, and the pulsed updates of every tile. A core runs "
                      "its phases in turn; cores of different layers overlap.");
}

}  // namespace imcsim::report
