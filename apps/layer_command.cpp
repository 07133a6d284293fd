// imcsim layer: one fully connected layer (or LSTM step) as a one-layer model, mapped and compiled like any model
// (firmware/model_mapping.h, firmware/model_compiler.h) and run on the timed model (JSON).

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "firmware/model_compiler.h"
#include "report/statistics_json.h"
#include "report/timeline.h"
#include "report/vcd.h"
#include "workloads/single_layer.h"

namespace imcsim::apps {

namespace {

struct LayerOptions {
  ChipOptions chip;
  int in = 256;
  int out = 256;
  int batch = 1;
  bool program_weights = false;
  bool preloaded_inputs = false;
  bool keep_outputs = false;
  bool lstm_cell = false;
  std::string program_out;
  std::string trace_out;
  std::string stats_out;
  std::string vcd_out;
};

/// The layer as a one-layer model: an --in x --out MatMul over --batch vectors, or one LSTM time step with
/// --in = input + hidden and --out = 4 x hidden.
/// Checks that it fits the chip before its (zero) weights are allocated.
workloads::Graph layer_graph(const LayerOptions& o, const firmware::ChipGeometry& chip) {
  if (o.lstm_cell) {
    if (o.out % 4 != 0) throw ParameterError("layer.out", "an LSTM step needs --out = 4 x hidden");
    if (o.in <= o.out / 4) throw ParameterError("layer.in", "an LSTM step needs --in = inputs + hidden > hidden");
    if (o.batch != 1) throw ParameterError("layer.batch", "an LSTM step takes one input vector");
  }
  firmware::LayerShape shape{"layer", o.in, o.out};
  shape.col_group = o.lstm_cell ? 4 : 1;
  firmware::map_model({shape}, chip, firmware::Replication::none);  // throws "needs N cores ..." when it cannot fit
  return o.lstm_cell ? workloads::lstm_step(o.in - o.out / 4, o.out / 4) : workloads::matmul_layer(o.in, o.out, o.batch);
}

void run_layer(const LayerOptions& o) {
  const chip::ChipConfig config = o.chip.load();
  // The same mapper and compiler as `imcsim run`: one inference of a one-layer model.
  const firmware::ChipGeometry geometry = chip::chip_geometry(config);
  const workloads::Graph graph = layer_graph(o, geometry);
  const firmware::ModelMapping mapping = firmware::map_model(chip::layer_shapes(graph), geometry,
                                                             firmware::Replication::none);
  firmware::ModelProgramOptions program_options = chip::model_program_options(config, 1, o.program_weights);
  program_options.inputs_preloaded = o.preloaded_inputs;
  program_options.outputs_kept = o.keep_outputs;
  const firmware::Program program = firmware::compile_model(graph, mapping, program_options).program;
  const firmware::LayerPlacement& layer = mapping.layers.front();
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
  j["layer"] = {{"in", o.in},
                {"out", o.out},
                {"batch", o.batch},
                {"inputs", o.preloaded_inputs ? "preloaded" : "offchip"},
                {"outputs", o.keep_outputs ? "kept" : "offchip"},
                {"kind", o.lstm_cell ? "lstm_step" : "fully_connected"}};
  j["cores_used"] = mapping.cores_used();
  j["cores_powered"] = r.cores_active;  // the cores the static power is charged for
  j["row_tiles"] = layer.row_tiles;
  j["col_tiles"] = layer.col_tiles;
  j["placement"] = nlohmann::ordered_json::array();
  for (const auto& t : layer.tiles) {
    j["placement"].push_back(
        {{"core", t.core}, {"rows", {t.row0, t.row0 + t.rows}}, {"cols", {t.col0, t.col0 + t.cols}}});
  }
  j["cell_utilisation"] = layer.cell_utilisation(mapping.chip);
  j["latency_ns"] = r.latency_ns;
  j["energy_uj"] = r.energy_pj * 1e-6;
  nlohmann::ordered_json breakdown;
  using chip::EnergyComponent;
  for (const EnergyComponent c :
       {EnergyComponent::array, EnergyComponent::adc, EnergyComponent::dac, EnergyComponent::digital,
        EnergyComponent::sram, EnergyComponent::network, EnergyComponent::programming, EnergyComponent::static_power}) {
    breakdown[chip::energy_component_names().name(c)] = r.energy_breakdown_pj[c] * 1e-6;
  }
  j["energy_breakdown_uj"] = breakdown;
  j["busy_utilisation"] = r.latency_ns > 0 ? r.busy_ns / (mapping.cores_used() * r.latency_ns) : 0.0;
  j["mvm_vectors"] = r.mvm_vectors;
  const double ops = 2.0 * o.in * o.out * o.batch;
  j["ops"] = ops;
  j["tops_per_w"] = r.energy_pj > 0 ? ops / r.energy_pj : 0.0;
  std::cout << j.dump(2) << "\n";
}

}  // namespace

void add_layer_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<LayerOptions>();
  CLI::App* cmd = app.add_subcommand("layer", "Map one fully connected layer onto the chip and run it (JSON)");
  add_chip_options(cmd, o->chip);
  cmd->add_option("--in", o->in, "Inputs of the layer")->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--out", o->out, "Outputs of the layer")->check(CLI::Range(1, 1 << 24))->capture_default_str();
  cmd->add_option("--batch", o->batch, "Input vectors per pass")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_flag("--program-weights", o->program_weights, "Include programming the weights");
  cmd->add_flag("--preloaded-inputs", o->preloaded_inputs,
                "Inputs already in the cores' input buffers (no load from the off-chip port)");
  cmd->add_flag("--lstm", o->lstm_cell,
                "One LSTM time step: --in input+hidden, --out 4 x hidden, cell outputs in the global digital units");
  cmd->add_flag("--keep-outputs", o->keep_outputs, "Leave the outputs in the last cores (no store to the off-chip port)");
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
