#pragma once
// report.html: one self-contained page of a run's report.json (docs/report.md) for a person to read. Inline CSS
// and inline SVG only: no script, no external font, image or style sheet, and a Content-Security-Policy that
// forbids fetching any, so the page opens offline and shows the same in any browser. The page holds:
// - the design point (chip, model, data set, images, seed, drift times, imcsim version) and the headline figures;
// - accuracy vs drift time (#accuracy-chart): FP32 as a horizontal line, the chip's top-1 with and without
//   drift compensation, on a log time axis;
// - per-layer latency (#layer-latency-chart) and dynamic energy by component (#layer-energy-chart);
// - the energy of one inference by component (#energy-breakdown-chart);
// - core utilisation as a grid_x x grid_y heat map (#core-heatmap) and link load drawn on the network
//   (#link-map: nodes on the grid, each directed link a line whose colour and width follow its load);
// - the mapping table (#mapping-table): per layer its matrix, tiles, replicas and cores;
// - with a range calibration file, what it chose (report/range_calibration_html.h): a strip plot of the tiles'
//   ranges and a histogram of the columns' kappa per layer (#range-calibration-chart) above their spread
//   (#range-calibration-table).
// - with a training step (report/training_step_html.h): its phases on a time line per layer and their energy.
// Every data mark has class="mark" and a <title> with its numbers (shown on hover).
//
// Contract: a pure function of `report` (no date, no path of this machine unless report.json holds it), so one
// report gives byte-identical pages. Keys that `imcsim run` always writes are required (a missing one throws
// imcsim::Error naming it); utilisation.per_core, utilisation.per_link, mapping.layers[].core_ids and chip.grid_x
// / grid_y are optional (an older report gets a note instead of the map).

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::report {

std::string html_report(const nlohmann::ordered_json& report);

}  // namespace imcsim::report
