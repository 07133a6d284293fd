#include "runner/run_report.h"

#include "firmware/replication_names.h"
#include "report/timing_json.h"
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

nlohmann::ordered_json accuracy_json(const RunAccuracy& accuracy) {
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
    r["accuracy"] = accuracy_json(*result.accuracy);
  } else {
    r["accuracy"] = {{"absent", p.workload_format.empty() ? "--timing-only: the accuracy path was skipped"
                                                          : "shape-only workload: no weights"}};
  }
  if (!p.unsimulated.empty()) {
    r["unsimulated"] = nlohmann::ordered_json::array();
    for (const auto& u : p.unsimulated)
      r["unsimulated"].push_back({{"name", u.name}, {"macs_per_inference", u.macs_per_inference}, {"reason", u.reason}});
  }
  r["mapping"] = mapping_json(p.mapping);
  const chip::ModelTiming& timing = result.timed.timing;
  report::add_timing(r, timing);
  r["utilisation"]["per_core"] = report::per_core_utilisation(result.timed.compiled, timing, p.chip.cores.count);
  r["utilisation"]["per_link"] = report::per_link_utilisation(timing, p.chip.interconnect);
  report::add_chip(r, p.chip);
  return r;
}

}  // namespace imcsim::runner
