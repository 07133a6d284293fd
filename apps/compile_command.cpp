// imcsim compile --model M [-o program.txt]: a whole model mapped onto the chip and compiled into a Program; prints
// the mapping summary (a table, or JSON with --json) and writes the Program's text form.

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/output_file.h"
#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "chip/stage_estimates.h"
#include "firmware/model_compiler.h"
#include "firmware/model_mapping.h"
#include "firmware/replication_names.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"

namespace imcsim::apps {

namespace {

struct CompileOptions {
  ChipOptions chip;
  std::string model;
  std::string replication;  ///< empty: the chip config's compiler.replication
  int inferences = 1;
  bool program_weights = false;
  std::string out;
  bool json = false;
  int timed = 0;  ///< > 0: also run that many inferences on the timed chip
  int in_flight = 0;
};

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ",") + n;
  return s.empty() ? "-" : s;
}

nlohmann::ordered_json summary_json(const CompileOptions& o, const chip::ChipConfig& config,
                                    const firmware::CompiledModel& m) {
  nlohmann::ordered_json j;
  j["model"] = o.model;
  j["chip"] = config.name;
  j["replication"] = o.replication;
  j["cores_used"] = m.cores_used;
  j["cores"] = config.cores.count;
  j["inferences"] = m.inferences;
  j["instructions"] = m.program.instructions.size();
  j["macs_per_inference"] = m.macs_per_inference;
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : m.layers) {
    j["layers"].push_back({{"name", l.name},
                           {"op", l.op},
                           {"rows", l.rows},
                           {"cols", l.cols},
                           {"mvms_per_inference", l.mvms_per_inference},
                           {"row_tiles", l.row_tiles},
                           {"col_tiles", l.col_tiles},
                           {"replicas", l.replicas},
                           {"cores", l.cores},
                           {"cell_utilisation", l.cell_utilisation},
                           {"vectors_per_mvm", l.vectors_per_mvm},
                           {"digital_ops", l.digital_ops},
                           {"core_ids", l.core_ids}});
  }
  if (!o.out.empty()) j["program"] = o.out;
  return j;
}

void print_table(const CompileOptions& o, const chip::ChipConfig& config, const firmware::CompiledModel& m) {
  std::printf("model %s on %s (%d cores of %d x %d), replication %s\n", o.model.c_str(), config.name.c_str(),
              config.cores.count, config.cores.rows, config.cores.cols, o.replication.c_str());
  std::printf("%-28s %-5s %11s %8s %7s %5s %5s %6s %3s  %s\n", "layer", "op", "rows x cols", "MVMs/inf", "tiles",
              "repl", "cores", "cells", "V", "digital ops");
  for (const auto& l : m.layers) {
    const std::string shape = std::to_string(l.rows) + "x" + std::to_string(l.cols);
    const std::string tiles = std::to_string(l.row_tiles) + "x" + std::to_string(l.col_tiles);
    std::printf("%-28s %-5s %11s %8lld %7s %5d %5d %5.1f%% %3d  %s\n", l.name.c_str(), l.op.c_str(), shape.c_str(),
                static_cast<long long>(l.mvms_per_inference), tiles.c_str(), l.replicas, l.cores,
                100.0 * l.cell_utilisation, l.vectors_per_mvm, join(l.digital_ops).c_str());
  }
  std::printf("cores used %d of %d; %zu instructions for %d inference%s; %lld MACs per inference\n", m.cores_used,
              config.cores.count, m.program.instructions.size(), m.inferences, m.inferences == 1 ? "" : "s",
              static_cast<long long>(m.macs_per_inference));
  if (!o.out.empty()) std::printf("program written to %s\n", o.out.c_str());
}

nlohmann::ordered_json timing_json(const chip::ModelTiming& t) {
  nlohmann::ordered_json j;
  j["inferences"] = t.inferences;
  j["per_inference_ns"] = t.per_inference_ns;
  j["mean_inference_ns"] = t.mean_inference_ns;
  j["interval_ns"] = t.interval_ns;
  j["completion_ns"] = t.completion_ns;
  j["inferences_per_s"] = t.inferences_per_s;
  j["energy_per_inference_uj"] = t.energy_per_inference_pj * 1e-6;
  nlohmann::ordered_json breakdown;
  for (const chip::EnergyComponent c : t.energy_breakdown_pj.components()) {
    breakdown[chip::energy_component_names().name(c)] = t.energy_breakdown_pj[c] * 1e-6;
  }
  j["energy_breakdown_uj"] = breakdown;
  j["programming_ns"] = t.programming_ns;
  j["programming_energy_uj"] = t.programming_energy_pj * 1e-6;
  j["tops"] = t.tops;
  j["tops_per_w"] = t.tops_per_w;
  j["core_utilisation"] = t.core_utilisation;
  j["link_utilisation_mean"] = t.link_utilisation_mean;
  j["link_utilisation_max"] = t.link_utilisation_max;
  j["layers"] = nlohmann::ordered_json::array();
  for (const auto& l : t.layers) {
    j["layers"].push_back({{"name", l.name},
                           {"latency_ns", l.latency_ns},
                           {"busy_ns", l.busy_ns},
                           {"utilisation", l.utilisation},
                           {"energy_uj", l.energy_pj * 1e-6}});
  }
  j["wall_s"] = t.simulation.wall_s;
  return j;
}

void print_timing(const chip::ModelTiming& t) {
  std::printf("\ntimed run: %d inferences%s\n", t.inferences, t.programming_ns > 0 ? " after programming" : "");
  std::printf("%-28s %12s %12s %8s %12s\n", "layer", "latency ns", "busy ns", "util", "energy uJ");
  for (const auto& l : t.layers) {
    std::printf("%-28s %12.0f %12.0f %7.1f%% %12.4f\n", l.name.c_str(), l.latency_ns, l.busy_ns, 100.0 * l.utilisation,
                l.energy_pj * 1e-6);
  }
  std::printf(
      "latency per inference %.0f ns (%.0f ns mean with queueing); steady state %.0f ns per inference, %.0f "
      "inferences/s\n",
      t.per_inference_ns, t.mean_inference_ns, t.interval_ns, t.inferences_per_s);
  std::printf("energy per inference %.4f uJ:", t.energy_per_inference_pj * 1e-6);
  for (const chip::EnergyComponent c : t.energy_breakdown_pj.components()) {
    std::printf(" %s %.4f", chip::energy_component_names().name(c).c_str(), t.energy_breakdown_pj[c] * 1e-6);
  }
  std::printf("\n%.4f TOPS, %.3f TOPS/W; core utilisation %.1f%%, links %.2f%% mean, %.1f%% busiest\n", t.tops,
              t.tops_per_w, 100.0 * t.core_utilisation, 100.0 * t.link_utilisation_mean,
              100.0 * t.link_utilisation_max);
  if (t.programming_ns > 0) {
    std::printf("programming the weights: %.1f us, %.3f uJ\n", t.programming_ns * 1e-3, t.programming_energy_pj * 1e-6);
  }
}

firmware::ModelProgramOptions program_options(const chip::ChipConfig& config, const CompileOptions& o, int inferences,
                                              bool program_weights) {
  firmware::ModelProgramOptions p = chip::model_program_options(config, inferences, program_weights);
  p.in_flight = o.in_flight;
  return p;
}

void run_compile(CompileOptions o) {
  const chip::ChipConfig config = o.chip.load();
  if (o.replication.empty()) o.replication = firmware::replication_names().name(config.compiler.replication);
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model(o.model));
  const firmware::ModelMapping mapping =
      firmware::map_model(chip::estimated_layer_shapes(graph, config), chip::chip_geometry(config),
                          firmware::replication_names().parse(o.replication, "--replication", "replication"));
  const firmware::CompiledModel compiled =
      firmware::compile_model(graph, mapping, program_options(config, o, o.inferences, o.program_weights));
  if (!o.out.empty()) write_file_atomically(o.out, firmware::to_text(compiled.program));
  if (o.timed > 0) {
    const chip::ModelTiming timing =
        chip::time_model(config, firmware::compile_model(graph, mapping, program_options(config, o, o.timed, true)));
    if (o.json) {
      nlohmann::ordered_json j = summary_json(o, config, compiled);
      j["timing"] = timing_json(timing);
      std::cout << j.dump(2) << "\n";
    } else {
      print_table(o, config, compiled);
      print_timing(timing);
    }
  } else if (o.json) {
    std::cout << summary_json(o, config, compiled).dump(2) << "\n";
  } else {
    print_table(o, config, compiled);
  }
}

}  // namespace

void add_compile_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compile",
      "Map a model onto the chip (tiling, replication, placement) and write its Program; prints the mapping");
  cmd->add_option("--model", o->model, "Zoo model name or .onnx path")->required();
  add_chip_options(cmd, o->chip);
  cmd->add_option(
         "--replication", o->replication,
         "Replication of layers over spare cores: none|balance|fill (default: the chip's compiler.replication)")
      ->check(CLI::IsMember({"none", "balance", "fill"}));
  cmd->add_option("--inferences", o->inferences, "Inferences the Program pipelines through the chip")
      ->check(CLI::Range(1, 1 << 16))
      ->capture_default_str();
  cmd->add_flag("--program-weights", o->program_weights, "Begin the Program with programming the weights");
  cmd->add_option("--in-flight", o->in_flight,
                  "Inferences a layer may run ahead of the layers it feeds (credit tokens); 0: unlimited")
      ->check(CLI::Range(0, 1 << 16))
      ->capture_default_str();
  cmd->add_option("-o,--out", o->out, "Write the Program (text form) to this file");
  cmd->add_flag("--json", o->json, "Print the mapping summary as JSON");
  cmd->add_option("--timed", o->timed,
                  "Also program the weights and run this many pipelined inferences on the timed chip (latency, "
                  "throughput, energy)")
      ->check(CLI::Range(1, 1 << 12));
  cmd->callback([o, &exit_code]() {
    run_compile(*o);
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
