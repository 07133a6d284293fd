#pragma once
// The timed run's figures (chip/model_timing.h) as report.json holds them (docs/report.md): latency, throughput,
// energy, programming and utilisation, in the report's units (ns, inferences/s, uJ). `imcsim run` and
// `imcsim trace replay` both write them with this.

#include <nlohmann/json.hpp>

#include "chip/model_timing.h"

namespace imcsim::report {

/// {"adc": uJ, "array": uJ, ...}: the components the breakdown carries, in its order.
nlohmann::ordered_json energy_uj(const chip::EnergyBreakdown& breakdown);
/// Sets r["latency"], r["throughput"], r["energy"], r["programming"] and r["utilisation"] from t.
void add_timing(nlohmann::ordered_json& r, const chip::ModelTiming& t);
/// Sets r["chip"] (name, cores, array size, network grid and topology) and r["config"] (the resolved YAML).
void add_chip(nlohmann::ordered_json& r, const chip::ChipConfig& config);

}  // namespace imcsim::report
