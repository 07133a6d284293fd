#include "report/training_step_json.h"

#include "report/timing_json.h"

namespace imcsim::report {

namespace {

using Json = nlohmann::ordered_json;

/// One entry per phase, in forward, backward, update order.
Json phases_json(const chip::PhaseTimings& phases) {
  Json out = Json::array();
  for (const firmware::TrainingPhase phase : firmware::training_phase_names().values()) {
    const chip::PhaseTiming& p = phases[static_cast<std::size_t>(phase)];
    out.push_back({{"name", firmware::training_phase_names().name(phase)},
                   {"start_ns", p.start_ns},
                   {"end_ns", p.end_ns},
                   {"latency_ns", p.latency_ns()},
                   {"busy_ns", p.busy_ns},
                   {"energy_uj", p.energy_pj.total_pj() * 1e-6},
                   {"breakdown_uj", energy_uj(p.energy_pj)}});
  }
  return out;
}

Json update_energy_json(const cores::UpdateEnergy& e) {
  return {{"row_drivers", e.row_drivers_pj * 1e-6},   {"column_drivers", e.column_drivers_pj * 1e-6},
          {"coincidences", e.coincidences_pj * 1e-6}, {"probabilities", e.probabilities_pj * 1e-6},
          {"streams", e.streams_pj * 1e-6},           {"buffers", e.buffers_pj * 1e-6}};
}

}  // namespace

nlohmann::ordered_json training_step_json(const chip::TrainingStepTiming& t) {
  Json j;
  j["batch"] = t.batch;
  j["pulse_length"] = t.pulse_length;
  j["cores_used"] = t.cores_used;
  j["minibatch"] = {{"latency_ns", t.minibatch_ns},
                    {"images_per_s", t.images_per_s},
                    {"energy_uj", t.energy_pj.total_pj() * 1e-6},
                    {"energy_per_image_uj", t.batch > 0 ? t.energy_pj.total_pj() * 1e-6 / t.batch : 0.0},
                    {"breakdown_uj", energy_uj(t.energy_pj)}};
  j["phases"] = phases_json(t.phases);
  j["update_energy_uj"] = update_energy_json(t.update_energy);
  j["layers"] = Json::array();
  for (const chip::LayerStepTiming& l : t.layers) {
    j["layers"].push_back({{"name", l.name},
                           {"cores", l.cores},
                           {"phases", phases_json(l.phases)},
                           {"update_energy_uj", update_energy_json(l.update_energy)}});
  }
  Json activity{{"source", t.activity.source}, {"layers", Json::array()}};
  for (std::size_t k = 0; k < t.activity.per_sample.size(); ++k) {
    Json tiles = Json::array();
    for (std::size_t i = 0; i < t.activity.per_sample[k].size(); ++i) {
      const cores::UpdateActivity& a = t.activity.per_sample[k][i];
      tiles.push_back({{"core", t.layers[k].core_ids.at(i)},
                       {"slots", a.slots},
                       {"row_pulses", a.row_pulses},
                       {"column_pulses", a.column_pulses},
                       {"coincidences", a.coincidences}});
    }
    activity["layers"].push_back({{"name", t.layers[k].name}, {"tiles_per_update", tiles}});
  }
  j["activity"] = activity;
  return j;
}

}  // namespace imcsim::report
