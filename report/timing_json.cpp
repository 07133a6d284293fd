#include "report/timing_json.h"

#include "chip/chip_config.h"
#include "chip/peak_figures.h"
#include "interconnect/network_config.h"

namespace imcsim::report {

nlohmann::ordered_json energy_uj(const chip::EnergyBreakdown& breakdown) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const chip::EnergyComponent c : breakdown.components()) {
    j[chip::energy_component_names().name(c)] = breakdown[c] * 1e-6;
  }
  return j;
}

void add_timing(nlohmann::ordered_json& r, const chip::ModelTiming& t) {
  nlohmann::ordered_json latency;
  latency["per_inference_ns"] = t.per_inference_ns;
  latency["mean_inference_ns"] = t.mean_inference_ns;
  latency["inferences_simulated"] = t.inferences;
  latency["per_layer"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json per_layer_energy = nlohmann::ordered_json::array();
  for (const auto& l : t.layers) {
    latency["per_layer"].push_back({{"name", l.name},
                                    {"cores", l.cores},
                                    {"latency_ns", l.latency_ns},
                                    {"busy_ns", l.busy_ns},
                                    {"utilisation", l.utilisation}});
    per_layer_energy.push_back(
        {{"name", l.name}, {"energy_uj", l.energy_pj * 1e-6}, {"breakdown_uj", energy_uj(l.energy_breakdown_pj)}});
  }
  r["latency"] = latency;
  r["throughput"] = {{"inferences_per_s", t.inferences_per_s},
                     {"interval_ns", t.interval_ns},
                     {"tops", t.tops},
                     {"ops_per_inference", t.ops_per_inference}};
  nlohmann::ordered_json energy;
  energy["per_inference_uj"] = t.energy_per_inference_pj * 1e-6;
  energy["breakdown"] = energy_uj(t.energy_breakdown_pj);
  energy["per_layer"] = per_layer_energy;
  energy["tops_per_w"] = t.tops_per_w;
  r["energy"] = energy;
  r["programming"] = {{"time_ns", t.programming_ns}, {"energy_uj", t.programming_energy_pj * 1e-6}};
  r["utilisation"] = {
      {"cores", t.core_utilisation}, {"links_mean", t.link_utilisation_mean}, {"links_max", t.link_utilisation_max}};
}

void add_chip(nlohmann::ordered_json& r, const chip::ChipConfig& config) {
  r["chip"] = {{"name", config.name},
               {"cores", config.cores.count},
               {"rows", config.cores.rows},
               {"cols", config.cores.cols},
               {"grid_x", config.interconnect.grid_x},
               {"grid_y", config.interconnect.grid_y},
               {"topology", interconnect::topology_name(config.interconnect.topology)},
               // Every core with its periphery, SRAM and local digital unit (hw/technology.h); not the network.
               {"area_mm2", config.cores.count * chip::peak_figures(config).core_area_mm2}};
  r["config"] = chip::to_yaml(config);
}

}  // namespace imcsim::report
