// imcsim chip: the design point's peak figures (JSON).

#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "chip/peak_figures.h"

namespace imcsim::apps {

namespace {
nlohmann::ordered_json mode_json(const chip::ReadModePeak& p) {
  return {{"peak_tops", p.peak_tops},
          {"peak_tops_per_w", p.peak_tops_per_w},
          {"peak_tops_per_mm2", p.peak_tops_per_mm2},
          {"mvm_latency_ns", p.mvm_latency_ns},
          {"mvm_energy_nj", p.mvm_energy_nj}};
}
}  // namespace

void add_chip_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ChipOptions>();
  CLI::App* cmd = app.add_subcommand("chip", "Peak figures of the design point (JSON)");
  add_chip_options(cmd, *options);
  cmd->callback([options, &exit_code]() {
    const chip::ChipConfig config = options->load();
    const chip::PeakFigures f = chip::peak_figures(config);
    nlohmann::ordered_json j;
    j["chip"] = config.name;
    j["cores"] = f.cores;
    j["weights_capacity"] = f.weights_capacity;
    j["core_area_mm2"] = f.core_area_mm2;
    j["core_mvm_area_mm2"] = f.mvm_area_mm2;
    j["read_modes"] = {{"one_phase", mode_json(f.one_phase)}, {"four_phase", mode_json(f.four_phase)}};
    std::cout << j.dump(2) << "\n";
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
