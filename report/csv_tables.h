#pragma once
// Tidy CSV tables of a run's report.json, one row per entity, the unit in each column's name (docs/report.md):
// - layers.csv: one row per weight layer, its mapping (mapping.layers), timing (latency.per_layer) and energy
//   (energy.per_layer, with one energy_<component>_uj column per component of the per-layer breakdowns);
// - components.csv: one row per component of energy.breakdown, uJ per inference and share of the total.
// Numbers are written as report.json writes them (shortest round-trip form), so the tables match it exactly.
//
// Contract: `report` is a report.json object of `imcsim run`; a key these tables need and that it lacks throws
// imcsim::Error naming the key. Layers are joined by name; a layer missing from a section leaves its cells empty.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::report {

std::string layers_csv(const nlohmann::ordered_json& report);
std::string components_csv(const nlohmann::ordered_json& report);

/// `field` as a CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& field);

}  // namespace imcsim::report
