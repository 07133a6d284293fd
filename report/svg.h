#pragma once
// Small pieces of inline SVG and HTML text for report.html (report/html_report.h): escaping, number formatting
// and colour scales, plus the marks the charts draw. Every data mark carries class="mark" and a <title> (the
// browser shows it on hover), so a page's charts can be counted in its DOM. Coordinates are written with one
// decimal, so the output is the same on every machine.

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace imcsim::report::svg {

/// `text` safe in HTML/SVG text and in double-quoted attributes (& < > " ').
std::string escape(const std::string& text);

/// `value` with `significant` significant digits in fixed notation (no exponent): 0.0378, 3046, 611621.
std::string sig(double value, int significant = 3);
/// `value` with at most 6 significant digits and no trailing zeros: 1, 2.5, 0.001.
std::string shortest(double value);
/// `value` with `decimals` decimals.
std::string fixed(double value, int decimals);
/// A fraction as a percentage with `decimals` decimals: "43.2 %".
std::string percent(double fraction, int decimals = 1);
/// A coordinate: one decimal.
std::string px(double value);

/// Sequential scale for utilisation, t in [0, 1] (clamped): near-white to dark blue.
std::string blues(double t);
/// Sequential scale for load, t in [0, 1] (clamped): light grey through orange to dark red.
std::string heat(double t);
/// Whether text on `blues(t)` should be white.
bool dark_on_blues(double t);
/// A fixed colour for each energy component (array, adc, dac, digital, sram, network, programming, static);
/// other names get a palette colour by `index`.
std::string component_colour(const std::string& component, int index);

/// Data marks (class="mark", with a hover title).
std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& title);
std::string line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                 const std::string& title, const std::string& extra = "");
std::string circle(double cx, double cy, double r, const std::string& fill, const std::string& title,
                   const std::string& extra = "");

/// Decoration (no title, no class): axes, grid lines, legends.
std::string plain_rect(double x, double y, double w, double h, const std::string& fill);
std::string plain_line(double x1, double y1, double x2, double y2, const std::string& stroke,
                       const std::string& extra = "");
/// `content` is escaped; `anchor` is start, middle or end.
std::string text(double x, double y, const std::string& content, const std::string& anchor = "start",
                 const std::string& extra = "");

/// A legend of coloured squares in one row from (x, y): (name, colour) pairs.
std::string legend(double x, double y, const std::vector<std::pair<std::string, std::string>>& entries);

/// A bar of stacked segments from (x, y), `height` high and `px_per_unit` wide per unit: one mark per part (name,
/// value) in the component colour of its name (its index in `parts` for names without one) with the hover title
/// title_of(name, value), then `total_label` after its end.
std::string stacked_bar(double x, double y, double height, double px_per_unit,
                        const std::vector<std::pair<std::string, double>>& parts,
                        const std::function<std::string(const std::string&, double)>& title_of,
                        const std::string& total_label);

/// The style sheet of imcsim's pages (report.html, sweep.html), for their <style> element.
std::string page_style();
/// `<section id=...>` with an <h2> heading, `body` (HTML) and, unless empty, a note paragraph; heading and note are
/// escaped.
std::string section(const std::string& id, const std::string& heading, const std::string& body,
                    const std::string& note);

/// `<svg id=... width=... height=... viewBox=...>` with an aria-label; close with "</svg>".
std::string open(const std::string& id, double width, double height, const std::string& label);

}  // namespace imcsim::report::svg
