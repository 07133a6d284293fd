#pragma once
// The figures of a compiled model's timed run: one run of the CompiledModel's Program (its programming phase, if
// any, then `inferences` pipelined inferences) on the timed chip (chip::time_model, chip/simulation.h) or by trace
// replay (traces/replay.h), with every instruction's time and energy attributed to its layer, its inference and
// its phase. Plain C++ (no SystemC).
//
// What the numbers mean:
// - per_inference_ns: one inference through the pipeline, from its first instruction (its first load) to the end
//   of its last (its last store): the first inference's, which finds the pipeline empty (the inferences behind it
//   queue behind it on every core); mean_inference_ns averages over all of them, queueing included, since the
//   program issues them all at once;
// - interval_ns / inferences_per_s: the steady state, the median spacing of successive inferences' completions in
//   the second half of the run (the first half fills the pipeline; run 8 or more inferences, more for deep
//   pipelines: completion_ns shows whether the spacing has settled);
// - energy per inference: the inference phase's dynamic energy (cores, network) divided by the inferences, plus
//   the static energy of the cores the model uses over one steady-state interval (the other cores are power-gated,
//   chip::static_energy_pj); the breakdown sums to the total;
// - programming (time to program every tile, its energy with the static energy over that time) is reported apart,
//   once;
// - TOPS and TOPS/W count 2 ops per MAC of the model (workloads::node_macs), at the steady-state rate and the
//   energy per inference;
// - core utilisation: busy time / (cores used x inference phase); link utilisation: busy time of the links
//   (from the network's bookings, lt mode) / (links x inference phase), mean over all links and the busiest.

#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "chip/energy_breakdown.h"
#include "chip/simulation_result.h"
#include "firmware/model_compiler.h"

namespace imcsim::chip {

/// Program options that match the chip's buffers (the rest at their defaults).
firmware::ModelProgramOptions model_program_options(const ChipConfig& config, int inferences, bool program_weights);

struct LayerTiming {
  std::string name;
  int cores = 0;
  double busy_ns = 0;      ///< per inference: time its cores were busy with it (summed over cores)
  double latency_ns = 0;   ///< the first inference's: its first instruction's start to its last's end
  double utilisation = 0;  ///< busy_ns / (cores x interval_ns): how well the pipeline keeps it busy
  double energy_pj = 0;    ///< per inference, dynamic (cores and network)
  EnergyBreakdown energy_breakdown_pj = layer_energy_components();
};

struct ModelTiming {
  std::string chip;
  std::string model;
  int inferences = 0;
  double per_inference_ns = 0;
  double mean_inference_ns = 0;
  double interval_ns = 0;
  std::vector<double> completion_ns;  ///< per inference: when its last instruction ended (absolute)
  std::vector<double> start_ns;       ///< per inference: when its first instruction began (absolute)
  double inferences_per_s = 0;
  double run_ns = 0;  ///< the inference phase: first inference's start to the last one's end
  double energy_per_inference_pj = 0;
  EnergyBreakdown energy_breakdown_pj = inference_energy_components();  ///< per inference
  double programming_ns = 0;  ///< 0 when the program does not program the weights
  double programming_energy_pj = 0;
  double ops_per_inference = 0;  ///< 2 x MACs
  double tops = 0;
  double tops_per_w = 0;
  int cores_used = 0;
  double core_utilisation = 0;
  double link_utilisation_mean = 0;
  double link_utilisation_max = 0;
  double mvm_vectors_per_inference = 0;
  std::vector<LayerTiming> layers;  ///< index = CompiledModel::layers
  SimulationResult simulation;      ///< the run itself (statistics, timeline, per-instruction records)
};

/// The figures above from a finished run of model.program: a simulate() run or a trace replay (traces/replay.h).
/// `run` holds one InstructionRecord per instruction, the network energy in its energy breakdown and
/// the links' bookings as timeline events on "link ..." tracks (other timeline events are not read).
ModelTiming summarise_model_timing(const ChipConfig& config, const firmware::CompiledModel& model,
                                   SimulationResult run);

}  // namespace imcsim::chip
