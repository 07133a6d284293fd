#include "runner/run_report.h"

#include <algorithm>

#include "base/text.h"
#include "firmware/replication_names.h"
#include "report/timing_json.h"
#include "report/training_step_json.h"
#include "report/utilisation.h"

namespace imcsim::runner {

namespace {

nlohmann::ordered_json mapping_json(const firmware::ModelMapping& m) {
  nlohmann::ordered_json j;
  j["replication"] = firmware::replication_names().name(m.replication);
  j["cores_used"] = m.cores_used();
  j["cores_available"] = m.chip.cores();
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : m.layers) {
    nlohmann::ordered_json core_ids = nlohmann::ordered_json::array();
    for (const auto& tile : l.tiles) core_ids.push_back(tile.core);
    j["layers"].push_back({{"name", l.shape.name},
                           {"rows", l.shape.rows},
                           {"cols", l.shape.cols},
                           {"mvms_per_inference", l.shape.mvms_per_inference},
                           {"row_tiles", l.row_tiles},
                           {"col_tiles", l.col_tiles},
                           {"replicas", l.replicas},
                           {"cores", static_cast<int>(l.tiles.size())},
                           {"core_ids", core_ids},
                           {"cell_utilisation", l.cell_utilisation(m.chip)}});
  }
  return j;
}

/// A float of the file as the decimal it is written with (0.1, not 0.10000000149011612).
double file_value(float value) { return std::stod(shortest_float_text(value)); }

/// min, median (the upper one of an even count) and max of `values` (which must not be empty).
nlohmann::ordered_json spread(std::vector<float> values) {
  std::sort(values.begin(), values.end());
  return {{"min", file_value(values.front())},
          {"median", file_value(values[values.size() / 2])},
          {"max", file_value(values.back())}};
}

/// Counts of `kappa` in the ten bins (0, 0.1], (0.1, 0.2], ..., (0.9, 1] (kappa is in (0, 1]).
nlohmann::ordered_json kappa_histogram(const std::vector<float>& kappa) {
  constexpr int bins = 10;
  std::vector<int> counts(bins, 0);
  for (float k : kappa) {
    int bin = bins - 1;
    while (bin > 0 && static_cast<double>(k) <= static_cast<double>(bin) / bins) --bin;
    ++counts[static_cast<std::size_t>(bin)];
  }
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (int b = 0; b <= bins; ++b) edges.push_back(static_cast<double>(b) / bins);
  return {{"bin_edges", edges}, {"counts", counts}};
}

/// One tile of the mapping and the values the file gives it (the columns' kappa as their spread).
nlohmann::ordered_json tile_json(const firmware::LayerPlacement& layer, std::size_t index,
                                 const chip::ResolvedTile& t) {
  const firmware::Tile& tile = layer.tiles[index];
  nlohmann::ordered_json j{{"row_tile", tile.row_tile},
                           {"col_tile", tile.col_tile},
                           {"replica", static_cast<int>(index) / layer.tiles_per_replica()},
                           {"core", tile.core}};
  if (t.input_range) j["input_range"] = file_value(*t.input_range);
  if (t.adc_range) j["adc_range"] = file_value(*t.adc_range);
  if (!t.column_kappa.empty()) j["column_kappa"] = spread(t.column_kappa);
  return j;
}

/// The range calibration file a run used: its provenance and, per layer, how many tiles it set, the spread of
/// the values it gave, each tile's values and the histogram of its columns' kappa.
nlohmann::ordered_json range_calibration_json(const PreparedRun& p) {
  const chip::RangeCalibration& c = *p.range_calibration;
  nlohmann::ordered_json j{{"file", p.request.range_calibration},
                           {"model", c.model},
                           {"chip", c.chip},
                           {"method", c.method},
                           {"objective", c.objective},
                           {"mode", c.mode},
                           {"seed", c.seed}};
  j["layers"] = nlohmann::ordered_json::array();
  for (std::size_t k = 0; k < p.ranges.size(); ++k) {
    const firmware::LayerPlacement& layer = p.mapping.layers[k];
    int tiles_set = 0;
    std::vector<float> input_ranges, adc_ranges, kappa;
    nlohmann::ordered_json tiles = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < p.ranges[k].size(); ++i) {
      const chip::ResolvedTile& t = p.ranges[k][i];
      tiles_set += t.input_range || t.adc_range || !t.column_kappa.empty();
      if (t.input_range) input_ranges.push_back(*t.input_range);
      if (t.adc_range) adc_ranges.push_back(*t.adc_range);
      kappa.insert(kappa.end(), t.column_kappa.begin(), t.column_kappa.end());
      tiles.push_back(tile_json(layer, i, t));
    }
    nlohmann::ordered_json l{{"name", layer.shape.name}, {"tiles_set", tiles_set}};
    if (!input_ranges.empty()) l["input_range"] = spread(input_ranges);
    if (!adc_ranges.empty()) l["adc_range"] = spread(adc_ranges);
    if (!kappa.empty()) {
      l["column_kappa"] = spread(kappa);
      l["column_kappa_histogram"] = kappa_histogram(kappa);
    }
    l["tiles"] = tiles;
    j["layers"].push_back(l);
  }
  return j;
}

nlohmann::ordered_json accuracy_json(const RunAccuracy& accuracy, const PreparedRun& p) {
  nlohmann::ordered_json a;
  a["images"] = accuracy.result.images;
  a["fp32"] = accuracy.result.fp32_top1;
  a["analog"] = nlohmann::ordered_json::array();
  for (const auto& d : accuracy.result.analog) {
    a["analog"].push_back({{"t_s", d.t_s},
                           {"top1", d.top1},
                           {"top1_no_compensation", d.top1_no_compensation},
                           {"differing_images", d.differing_images}});
  }
  a["calibration"] = accuracy.calibration;
  if (p.range_calibration) a["range_calibration"] = range_calibration_json(p);
  return a;
}

}  // namespace

nlohmann::ordered_json report_json(const RunResult& result) {
  const PreparedRun& p = result.prepared;
  nlohmann::ordered_json r;
  r["model"] = p.model_name;
  r["model_file"] = p.model_file;
  if (!p.workload_format.empty()) r["workload_format"] = p.workload_format;
  if (result.accuracy) r["dataset"] = result.accuracy->dataset;
  r["seed"] = p.chip.sim.seed;
  r["imcsim_version"] = version();
  if (result.accuracy) {
    r["accuracy"] = accuracy_json(*result.accuracy, p);
  } else {
    r["accuracy"] = {{"absent", p.workload_format.empty() ? "--timing-only: the accuracy path was skipped"
                                                          : "shape-only workload: no weights"}};
  }
  if (!p.unsimulated.empty()) {
    r["unsimulated"] = nlohmann::ordered_json::array();
    for (const auto& u : p.unsimulated)
      r["unsimulated"].push_back(
          {{"name", u.name}, {"macs_per_inference", u.macs_per_inference}, {"reason", u.reason}});
  }
  r["mapping"] = mapping_json(p.mapping);
  const chip::ModelTiming& timing = result.timed.timing;
  report::add_timing(r, timing);
  r["utilisation"]["per_core"] = report::per_core_utilisation(result.timed.compiled, timing, p.chip.cores.count);
  r["utilisation"]["per_link"] = report::per_link_utilisation(timing, p.chip.interconnect);
  if (result.timed.training_step) r["training_step"] = report::training_step_json(*result.timed.training_step);
  report::add_chip(r, p.chip);
  return r;
}

}  // namespace imcsim::runner
