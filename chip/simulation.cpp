#include "chip/simulation.h"

#include <chrono>
#include <map>
#include <utility>

#include "base/errors.h"
#include "chip/chip.h"

namespace imcsim::chip {

namespace {

const char* unit_of(cores::CoreOp op) {
  switch (op) {
    case cores::CoreOp::program_weights:
    case cores::CoreOp::mvm:
    case cores::CoreOp::mvm_transposed:
    case cores::CoreOp::pulsed_update:
      return "array";
    case cores::CoreOp::digital:
    case cores::CoreOp::accumulate:
      return "digital unit";
    case cores::CoreOp::global_digital:
      return "global digital unit";
    case cores::CoreOp::buffer_write:
    case cores::CoreOp::buffer_read:
      break;
  }
  return "ports";
}

/// The timeline from what the cores and the network recorded, each interval tied to the instruction it served.
/// A core serves only its own stream, one command at a time in program order, so its k-th interval belongs to
/// its stream's k-th instruction that issues a core command (all but recv, barrier and streamed sends). A
/// transfer is matched by (source, destination, start) to its instruction: a load and a streamed send start
/// where their record does, a store and a plain send where their core command ends.
void record_timeline(Chip& chip, const firmware::Program& program, int offchip, SimulationResult& r) {
  const auto& ins = program.instructions;
  std::vector<std::vector<int>> commands(static_cast<std::size_t>(chip.core_count()));
  for (std::size_t k = 0; k < ins.size(); ++k) {
    const auto& i = ins[k];
    if (i.op == firmware::Op::recv || i.op == firmware::Op::barrier || (i.op == firmware::Op::send && i.stream)) {
      continue;
    }
    commands[static_cast<std::size_t>(i.core)].push_back(static_cast<int>(k));
  }
  std::vector<double> command_end(ins.size(), -1.0);
  for (int c = 0; c < chip.core_count(); ++c) {
    const auto& intervals = chip.core(c).busy_intervals();
    const auto& mine = commands[static_cast<std::size_t>(c)];
    for (std::size_t k = 0; k < intervals.size(); ++k) {
      const auto& b = intervals[k];
      const int instruction = k < mine.size() ? mine[k] : -1;
      if (instruction >= 0) command_end[static_cast<std::size_t>(instruction)] = b.end_ns;
      r.timeline.push_back(
          {"core" + std::to_string(c), cores::op_name(b.op), b.start_ns, b.end_ns, unit_of(b.op), instruction});
    }
  }
  // (source, destination) -> start -> instructions, for the transfers to find theirs.
  std::map<std::pair<int, int>, std::multimap<double, int>> starts;
  for (std::size_t k = 0; k < ins.size(); ++k) {
    const auto& i = ins[k];
    const auto& rec = r.instructions[k];
    if (rec.start_ns < 0) continue;
    const bool from_record = i.op == firmware::Op::load || (i.op == firmware::Op::send && i.stream);
    const double start = from_record ? rec.start_ns : command_end[k];
    if (i.op == firmware::Op::load) starts[{offchip, i.core}].emplace(start, static_cast<int>(k));
    if (i.op == firmware::Op::store) starts[{i.core, offchip}].emplace(start, static_cast<int>(k));
    if (i.op == firmware::Op::send) starts[{i.core, i.peer}].emplace(start, static_cast<int>(k));
  }
  const auto instruction_of = [&](const interconnect::TransferInterval& t) {
    constexpr double tolerance_ns = 1e-6;
    auto& candidates = starts[{t.src, t.dst}];
    const auto it = candidates.lower_bound(t.start_ns - tolerance_ns);
    if (it == candidates.end() || it->first > t.start_ns + tolerance_ns) return -1;
    const int instruction = it->second;
    candidates.erase(it);
    return instruction;
  };
  const auto& links = chip.network().links().topology().links();
  const auto& bookings = chip.network().links().bookings();
  std::vector<int> booking_instruction(bookings.size(), -1);
  for (const auto& t : chip.network().transfers()) {
    const int instruction = instruction_of(t);
    r.timeline.push_back(
        {"network", std::to_string(t.src) + "->" + std::to_string(t.dst), t.start_ns, t.end_ns, "", instruction});
    for (std::size_t b = t.first_booking; b < t.first_booking + t.bookings && b < bookings.size(); ++b) {
      booking_instruction[b] = instruction;
    }
  }
  for (std::size_t k = 0; k < bookings.size(); ++k) {
    const auto& b = bookings[k];
    const auto& l = links[static_cast<std::size_t>(b.link)];
    r.timeline.push_back({"link " + std::to_string(l.src) + "->" + std::to_string(l.dst), "packet", b.start_ns,
                          b.end_ns, "", booking_instruction[k]});
  }
}

/// Whether simulate() ran in this process (the SystemC kernel is global: one elaboration per process).
bool simulated = false;

}  // namespace

bool can_simulate() { return !simulated && !sc_core::sc_start_of_simulation_invoked(); }

SimulationResult simulate(const ChipConfig& config, const firmware::Program& program,
                          const SimulationOptions& options) {
  if (!can_simulate()) {
    throw Error("simulate(): SystemC elaborates once per process; run another process for another design");
  }
  simulated = true;
  // Reject instructions a core cannot execute before simulating anything (the controller checks the rest).
  const cores::CoreCosts costs(core_params(config));
  for (const auto& ins : program.instructions) {
    if (ins.op == firmware::Op::recv || ins.op == firmware::Op::barrier) continue;
    try {
      static_cast<void>(costs.cost(firmware::core_command_of(ins)));
    } catch (const ParameterError& e) {
      throw InputError(program.name, ins.line, 0, firmware::op_name(ins.op),
                       "core " + std::to_string(ins.core) + " cannot execute it: " + e.what());
    }
  }
  SimulationResult r;
  Chip chip("chip", config, program, r.stats, options.numerics);
  if (options.timeline) {
    for (int i = 0; i < chip.core_count(); ++i) chip.core(i).record_intervals(true);
    chip.network().record_transfers(true);
  }
  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  chip.controller().rethrow_error();
  r.latency_ns = chip.controller().finish_ns();
  r.instructions = chip.controller().instruction_records();
  // Every component but the static energy is a statistic of the cores (and the network): "<module>.energy_<component>_pj".
  for (const EnergyComponent c : r.energy_breakdown_pj.components()) {
    if (c == EnergyComponent::static_power) continue;
    r.energy_breakdown_pj[c] = r.stats.sum_suffix(".energy_" + energy_component_names().name(c) + "_pj");
  }
  for (int i = 0; i < chip.core_count(); ++i) {
    if (r.stats.get(chip.core(i).name() + std::string(".commands")).value > 0) ++r.cores_active;
  }
  r.energy_breakdown_pj[EnergyComponent::static_power] =
      static_energy_pj(config.technology, r.cores_active, r.latency_ns);
  r.energy_pj = r.energy_breakdown_pj.total_pj();
  r.busy_ns = r.stats.sum_suffix(".busy_ns");
  r.mvm_vectors = r.stats.sum_suffix(".mvm_vectors");
  if (options.timeline) record_timeline(chip, program, config.interconnect.offchip_node, r);
  return r;
}

ModelTiming time_model(const ChipConfig& config, const firmware::CompiledModel& model,
                       const SimulationOptions& options) {
  SimulationOptions run_options = options;
  run_options.timeline = true;
  return summarise_model_timing(config, model, simulate(config, model.program, run_options));
}

}  // namespace imcsim::chip
