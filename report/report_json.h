#pragma once
// Reading a run's report.json (docs/report.md) for the writers derived from it (CSV tables, report.html).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::report {

/// The value at a dotted path ("energy.breakdown"); throws imcsim::Error naming the path when it is missing.
const nlohmann::ordered_json& at_path(const nlohmann::ordered_json& report, const std::string& path);

/// The value at a dotted path, or nullptr when it is missing.
const nlohmann::ordered_json* find_path(const nlohmann::ordered_json& report, const std::string& path);

/// The components that the layers' energy breakdowns (energy.per_layer[].breakdown_uj) name, in the order of
/// energy.breakdown, then any other in order of appearance.
std::vector<std::string> layer_energy_components(const nlohmann::ordered_json& report);

/// A number as report.json writes it: the shortest form that reads back to the same double.
std::string json_number(const nlohmann::ordered_json& number);

}  // namespace imcsim::report
