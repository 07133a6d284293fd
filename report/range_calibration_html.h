#pragma once
// The range calibration section of report.html (report/html_report.h): what a run's calibration file
// (accuracy.range_calibration of report.json, docs/report.md) chose, per layer.
// - #range-calibration-chart: one row per layer; a strip plot of the tiles' DAC input ranges (one dot per tile,
//   log scale shared by the layers), the same for ADC ranges when the file gives any, and the histogram of the
//   columns' conductance-range factor kappa over the ten bins of (0, 1] (each cell shaded by its share of the
//   layer's columns). A layer the file leaves at the defaults reads "default" in that panel.
// - #range-calibration-table: per layer the tiles set and min / median / max of each value.
// Every dot and histogram cell is a mark (class="mark") with a <title> naming the layer, the tile or bin and its
// value.
//
// Contract: pure functions of `calibration` (accuracy.range_calibration); its layers[].name and tiles_set are
// required, layers[].tiles[] and column_kappa_histogram are optional (an older report draws no dots or cells for
// a layer without them). Missing required keys throw nlohmann::json's out_of_range.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::report {

/// The strip plot and histogram (#range-calibration-chart).
std::string range_calibration_chart(const nlohmann::ordered_json& calibration);
/// The table (#range-calibration-table).
std::string range_calibration_table(const nlohmann::ordered_json& calibration);

}  // namespace imcsim::report
