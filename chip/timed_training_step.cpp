#include "chip/timed_training_step.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/errors.h"
#include "chip/simulation.h"
#include "chip/transfer_energy.h"

namespace imcsim::chip {

namespace {

/// The part of `whole` that served its first `count` instructions (which end before the barrier after them); takes
/// the statistics from `whole`.
SimulationResult first_part(SimulationResult& whole, const firmware::Program& program, std::size_t count,
                            double network_pj, const ChipConfig& config) {
  SimulationResult part;
  part.instructions.assign(whole.instructions.begin(), whole.instructions.begin() + static_cast<long>(count));
  part.energy_breakdown_pj[EnergyComponent::network] = network_pj;
  std::set<int> cores;
  for (std::size_t i = 0; i < count; ++i) {
    const firmware::Instruction& ins = program.instructions[i];
    const firmware::InstructionRecord& rec = part.instructions[i];
    if (ins.op == firmware::Op::barrier || rec.start_ns < 0) continue;
    cores.insert(ins.core);
    part.latency_ns = std::max(part.latency_ns, rec.end_ns);
    part.busy_ns += rec.busy_ns;
    part.energy_breakdown_pj.add(rec.energy);
    if (ins.op == firmware::Op::mvm || ins.op == firmware::Op::mvmt) part.mvm_vectors += ins.vectors;
  }
  part.cores_active = static_cast<int>(cores.size());
  part.energy_breakdown_pj[EnergyComponent::static_power] =
      static_energy_pj(config.technology, part.cores_active, part.latency_ns);
  part.energy_pj = part.energy_breakdown_pj.total_pj();
  part.wall_s = whole.wall_s;
  for (const TimelineEvent& e : whole.timeline) {
    const bool mine =
        e.instruction >= 0 ? static_cast<std::size_t>(e.instruction) < count : e.end_ns <= part.latency_ns;
    if (mine) part.timeline.push_back(e);
  }
  part.stats = std::move(whole.stats);
  return part;
}

}  // namespace

TimedTrainingRun time_model_and_training_step(const ChipConfig& config, const firmware::CompiledModel& model,
                                              const firmware::TrainingStep& step) {
  if (model.program.layers != step.program.layers) {
    throw Error("time_model_and_training_step: the model and its training step declare different layers");
  }
  const std::size_t count = model.program.instructions.size();
  firmware::Program program = model.program;
  program.instructions.push_back(firmware::Instruction{firmware::Op::barrier});
  for (firmware::Instruction ins : step.program.instructions) {
    if (ins.op == firmware::Op::send || ins.op == firmware::Op::recv) ins.tag = "train_" + ins.tag;
    program.instructions.push_back(std::move(ins));
  }
  SimulationOptions options;
  options.timeline = true;
  SimulationResult whole = simulate(config, program, options);

  // The network's own count over the transfers' bits x hops (1 for the lt network): both parts are scaled by it.
  const TransferEnergy transfers(config);
  double model_pj = 0, all_pj = 0;
  for (std::size_t i = 0; i < program.instructions.size(); ++i) {
    const double pj = transfers.pj(program.instructions[i]);
    all_pj += pj;
    if (i < count) model_pj += pj;
  }
  const double scale = all_pj > 0 ? whole.energy_breakdown_pj[EnergyComponent::network] / all_pj : 1.0;

  TimedTrainingRun out{
      summarise_model_timing(config, model, first_part(whole, program, count, model_pj * scale, config)), {}};
  const std::vector<firmware::InstructionRecord> training(whole.instructions.begin() + static_cast<long>(count) + 1,
                                                          whole.instructions.end());
  out.training_step = summarise_training_step(config, step, training, scale);
  return out;
}

}  // namespace imcsim::chip
