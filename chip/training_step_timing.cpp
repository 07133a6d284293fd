#include "chip/training_step_timing.h"

#include <algorithm>
#include <limits>

#include "base/errors.h"
#include "chip/core_params.h"
#include "chip/transfer_energy.h"
#include "firmware/instruction_command.h"

namespace imcsim::chip {

namespace {

/// Widens the phase's span to an instruction's and adds its busy time and energy.
void add_to(PhaseTiming& p, bool& seen, double start_ns, double end_ns, const firmware::InstructionRecord& rec,
            double network_pj) {
  p.start_ns = seen ? std::min(p.start_ns, start_ns) : start_ns;
  p.end_ns = seen ? std::max(p.end_ns, end_ns) : end_ns;
  seen = true;
  p.busy_ns += rec.busy_ns;
  p.energy_pj.add(rec.energy);
  p.energy_pj[EnergyComponent::network] += network_pj;
}

/// When an instruction began to work: a recv, when its data arrived (before, it only waited).
double work_start_ns(const firmware::Instruction& ins, const firmware::InstructionRecord& rec) {
  return ins.op == firmware::Op::recv ? rec.end_ns : rec.start_ns;
}

}  // namespace

TrainingStepTiming summarise_training_step(const ChipConfig& config, const firmware::TrainingStep& step,
                                           const std::vector<firmware::InstructionRecord>& records,
                                           double network_scale) {
  const auto& instructions = step.program.instructions;
  if (records.size() != instructions.size()) {
    throw Error("summarise_training_step: " + std::to_string(records.size()) + " records for " +
                std::to_string(instructions.size()) + " instructions");
  }
  TrainingStepTiming t;
  t.chip = config.name;
  t.model = step.model;
  t.batch = step.batch;
  t.pulse_length = step.pulse_length;
  t.cores_used = step.cores_used;
  t.activity = step.activity;
  for (const auto& l : step.layers) {
    LayerStepTiming layer;
    layer.name = l.name;
    layer.cores = l.cores;
    layer.core_ids = l.core_ids;
    t.layers.push_back(layer);
  }
  double begin = std::numeric_limits<double>::max(), end = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].start_ns < 0) continue;
    begin = std::min(begin, work_start_ns(instructions[i], records[i]));
    end = std::max(end, records[i].end_ns);
  }
  if (end <= 0) throw Error("summarise_training_step: no instruction of the training step ran");
  t.minibatch_ns = end - begin;
  t.images_per_s = t.minibatch_ns > 0 ? t.batch * 1e9 / t.minibatch_ns : 0.0;

  const TransferEnergy transfers(config);
  const cores::CoreCosts costs(core_params(config));
  std::array<bool, 3> phase_seen{};
  std::vector<std::array<bool, 3>> layer_seen(t.layers.size());
  for (std::size_t i = 0; i < instructions.size(); ++i) {
    const firmware::Instruction& ins = instructions[i];
    const firmware::InstructionRecord& rec = records[i];
    if (rec.start_ns < 0) continue;
    const auto phase = static_cast<std::size_t>(step.instruction_phase[i]);
    const double network_pj = transfers.pj(ins) * network_scale;
    const double start = work_start_ns(ins, rec) - begin, finish = rec.end_ns - begin;
    add_to(t.phases[phase], phase_seen[phase], start, finish, rec, network_pj);
    t.energy_pj.add(rec.energy);
    t.energy_pj[EnergyComponent::network] += network_pj;
    if (ins.layer < 0) continue;
    const auto k = static_cast<std::size_t>(ins.layer);
    add_to(t.layers[k].phases[phase], layer_seen[k][phase], start, finish, rec, network_pj);
    if (ins.op == firmware::Op::update) {
      const cores::UpdateEnergy e = costs.update_energy(firmware::core_command_of(ins));
      t.layers[k].update_energy += e;
      t.update_energy += e;
    }
  }
  t.energy_pj[EnergyComponent::static_power] = static_energy_pj(config.technology, t.cores_used, t.minibatch_ns);
  return t;
}

}  // namespace imcsim::chip
