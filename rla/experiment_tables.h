#pragma once
// The pieces every `imcsim rla` experiment's tables share (docs/rla.md): an empty table, and the cost columns of an
// analog run against its digital baseline.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rla/chip_cost.h"

namespace imcsim::rla {

/// {"name", "columns", "rows": []}.
nlohmann::ordered_json table(const std::string& name, const std::vector<std::string>& columns);

/// The cost columns, in the order cost_cells() fills them.
std::vector<std::string> cost_columns();
/// `c` against `baseline`: time and energy (with static power), its static part, programming apart, the digital
/// part's energy, the baseline's time and energy, and the ratios (time, energy, energy without static power,
/// energy with programming).
std::vector<nlohmann::ordered_json> cost_cells(const ChipCost& c, const ChipCost& baseline);

}  // namespace imcsim::rla
