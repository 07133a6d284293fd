#include "rla/experiment_tables.h"

namespace imcsim::rla {

nlohmann::ordered_json table(const std::string& name, const std::vector<std::string>& columns) {
  return {{"name", name}, {"columns", columns}, {"rows", nlohmann::ordered_json::array()}};
}

std::vector<std::string> cost_columns() {
  return {"time_ns",
          "energy_uj",
          "static_energy_uj",
          "programming_time_ns",
          "programming_energy_uj",
          "digital_part_energy_uj",
          "baseline_time_ns",
          "baseline_energy_uj",
          "time_ratio",
          "energy_ratio",
          "dynamic_energy_ratio",
          "energy_ratio_with_programming"};
}

std::vector<nlohmann::ordered_json> cost_cells(const ChipCost& c, const ChipCost& b) {
  const double dynamic = c.energy_uj() - c.static_energy_uj();
  return {c.time_ns(),
          c.energy_uj(),
          c.static_energy_uj(),
          c.programming_time_ns,
          c.programming_energy_uj,
          c.digital_energy_uj,
          b.time_ns(),
          b.energy_uj(),
          c.time_ns() / b.time_ns(),
          c.energy_uj() / b.energy_uj(),
          dynamic / b.energy_uj(),
          (c.energy_uj() + c.programming_energy_uj) / b.energy_uj()};
}

}  // namespace imcsim::rla
