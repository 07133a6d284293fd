#pragma once
// The figures of a timed training step (firmware/training_step.h): one minibatch of B samples on the timed chip,
// every instruction's time and energy attributed to its phase (forward, backward, update) and its layer. Plain C++
// (no SystemC).
//
// What the numbers mean (times relative to the minibatch's first instruction):
// - minibatch_ns: from the start of the minibatch's first instruction to the end of its last; images_per_s = B /
//   minibatch_ns, one minibatch after another (the next begins once this one has ended: no overlap modelled);
// - a phase's (a layer's phase's) start_ns and end_ns: its first instruction's start (a recv's: when its data
//   arrived, not when it began to wait) and its last's end; the phases
//   overlap (cores of different layers are in different phases at once), so their latencies do not add up to the
//   minibatch; busy_ns: the time its instructions kept cores busy, summed over cores;
// - energy: a phase's (a layer's) dynamic energy by component (cores and network, its transfers' bits x hops scaled
//   as the network counted them); the minibatch's adds the static energy of the cores the step uses over
//   minibatch_ns; the update phase's energy split by what spends it in `update_energy`.

#include <array>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "chip/energy_breakdown.h"
#include "cores/core_costs.h"
#include "firmware/instruction_record.h"
#include "firmware/training_step.h"

namespace imcsim::chip {

struct PhaseTiming {
  double start_ns = 0;  ///< 0 and 0 when it has no instructions
  double end_ns = 0;
  double busy_ns = 0;
  EnergyBreakdown energy_pj = layer_energy_components();
  double latency_ns() const { return end_ns - start_ns; }
};

/// Indexed by firmware::TrainingPhase.
using PhaseTimings = std::array<PhaseTiming, 3>;

struct LayerStepTiming {
  std::string name;
  int cores = 0;
  std::vector<int> core_ids;  ///< its tiles' cores, in the mapping's tile order
  PhaseTimings phases;
  cores::UpdateEnergy update_energy;  ///< its tiles' updates by what spends the energy
};

struct TrainingStepTiming {
  std::string chip;
  std::string model;
  int batch = 0;
  int pulse_length = 0;
  int cores_used = 0;
  double minibatch_ns = 0;
  double images_per_s = 0;
  EnergyBreakdown energy_pj = inference_energy_components();  ///< the minibatch: dynamic and static
  PhaseTimings phases;
  std::vector<LayerStepTiming> layers;  ///< index = firmware::TrainingStep::layers
  cores::UpdateEnergy update_energy;    ///< every tile's updates
  firmware::TrainingActivity activity;  ///< what the updates were costed with
};

/// The figures from the records of a finished run of step.program (one per instruction, in program order, start
/// and end absolute). `network_scale` scales the transfers' bits x hops energy to the network's own count of the
/// run (1 for the lt network). Throws Error when the records do not match the program.
TrainingStepTiming summarise_training_step(const ChipConfig& config, const firmware::TrainingStep& step,
                                           const std::vector<firmware::InstructionRecord>& records,
                                           double network_scale);

}  // namespace imcsim::chip
