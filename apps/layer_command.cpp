// imcsim layer: one fully connected layer mapped onto the chip, run on the timed model (JSON).

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "chip/accuracy.h"
#include "chip/simulation.h"
#include "firmware/layer_compiler.h"
#include "report/statistics_json.h"
#include "report/timeline.h"
#include "report/vcd.h"

namespace imcsim::apps {

namespace {

struct LayerOptions {
  ChipOptions chip;
  firmware::FcLayer layer;
  std::string program_out;
  std::string trace_out;
  std::string stats_out;
  std::string vcd_out;
};

void run_layer(const LayerOptions& o) {
  const chip::ChipConfig config = o.chip.load();
  const firmware::LayerMapping mapping = firmware::map_fc_layer(o.layer, chip::chip_geometry(config));
  // As many vectors per pass as the input and output buffers hold.
  firmware::FcLayer layer = o.layer;
  const int rows = mapping.tiles.front().rows;
  const int cols = mapping.tiles.front().cols;
  layer.vectors_per_pass = std::max(1, static_cast<int>(std::min(config.cores.input_buffer_kib * 1024 / rows,
                                                                 config.cores.output_buffer_kib * 1024 / cols)));
  const firmware::Program program = firmware::compile_fc_layer(layer, mapping);
  chip::SimulationOptions options;
  options.timeline = !o.trace_out.empty() || !o.vcd_out.empty();
  const chip::SimulationResult r = chip::simulate(config, program, options);
  // Files are written only after a successful run, each whole or not at all.
  if (!o.program_out.empty()) write_file_atomically(o.program_out, firmware::to_text(program));
  if (!o.trace_out.empty())
    write_file_atomically(o.trace_out, report::chrome_trace_text(report::chrome_trace(r.timeline, &program)));
  if (!o.vcd_out.empty()) write_file_atomically(o.vcd_out, report::vcd(r.timeline));
  if (!o.stats_out.empty()) write_file_atomically(o.stats_out, report::statistics_json(r.stats).dump(2));

  nlohmann::ordered_json j;
  j["chip"] = config.name;
  j["read_mode"] = chip::read_mode_name(config.cores.read_mode);
  j["layer"] = {{"in", o.layer.in},
                {"out", o.layer.out},
                {"batch", o.layer.batch},
                {"inputs", o.layer.preloaded_inputs ? "preloaded" : "offchip"},
                {"outputs", o.layer.store_outputs ? "offchip" : "kept"},
                {"kind", o.layer.lstm_cell ? "lstm_step" : "fully_connected"}};
  j["cores_used"] = mapping.cores_used();
  j["row_tiles"] = mapping.row_tiles;
  j["col_tiles"] = mapping.col_tiles;
  j["placement"] = nlohmann::ordered_json::array();
  for (const auto& t : mapping.tiles) {
    j["placement"].push_back(
        {{"core", t.core}, {"rows", {t.row0, t.row0 + t.rows}}, {"cols", {t.col0, t.col0 + t.cols}}});
  }
  j["cell_utilisation"] = mapping.cell_utilisation;
  j["latency_ns"] = r.latency_ns;
  j["energy_uj"] = r.energy_pj * 1e-6;
  nlohmann::ordered_json breakdown;
  using chip::EnergyComponent;
  for (const EnergyComponent c :
       {EnergyComponent::array, EnergyComponent::adc, EnergyComponent::dac, EnergyComponent::digital,
        EnergyComponent::sram, EnergyComponent::network, EnergyComponent::programming, EnergyComponent::leakage}) {
    breakdown[chip::energy_component_names().name(c)] = r.energy_breakdown_pj[c] * 1e-6;
  }
  j["energy_breakdown_uj"] = breakdown;
  j["busy_utilisation"] = r.latency_ns > 0 ? r.busy_ns / (mapping.cores_used() * r.latency_ns) : 0.0;
  j["mvm_vectors"] = r.mvm_vectors;
  j["ops"] = 2.0 * o.layer.in * o.layer.out * o.layer.batch;
  j["tops_per_w"] = r.energy_pj > 0 ? 2.0 * o.layer.in * o.layer.out * o.layer.batch / r.energy_pj : 0.0;
  std::cout << j.dump(2) << "\n";
}

}  // namespace

void add_layer_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<LayerOptions>();
  CLI::App* cmd = app.add_subcommand("layer", "Map one fully connected layer onto the chip and run it (JSON)");
  add_chip_options(cmd, o->chip);
  cmd->add_option("--in", o->layer.in, "Inputs of the layer")->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--out", o->layer.out, "Outputs of the layer")->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--batch", o->layer.batch, "Input vectors per pass")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_flag("--program-weights", o->layer.program_weights, "Include programming the weights");
  cmd->add_flag("--preloaded-inputs", o->layer.preloaded_inputs,
                "Inputs already in the cores' input buffers (no load from the off-chip port)");
  cmd->add_flag("--lstm", o->layer.lstm_cell,
                "One LSTM time step: --in input+hidden, --out 4 x hidden, cell outputs in the global digital units");
  cmd->add_flag(
      "--keep-outputs", [o](std::int64_t) { o->layer.store_outputs = false; },
      "Leave the outputs in the last cores (no store to the off-chip port)");
  cmd->add_option("--program-out", o->program_out, "Write the compiled program (text form) to this file");
  cmd->add_option("--trace-out", o->trace_out, "Write a Chrome/Perfetto timeline (trace-event JSON) to this file");
  cmd->add_option("--stats-out", o->stats_out, "Write every statistic (JSON) to this file");
  cmd->add_option("--vcd-out", o->vcd_out, "Write waveforms of core, network and link activity (VCD) to this file");
  cmd->callback([o, &exit_code]() {
    run_layer(*o);
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
