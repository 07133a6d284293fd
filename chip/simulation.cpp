#include "chip/simulation.h"

#include <chrono>

#include "base/errors.h"
#include "chip/chip.h"

namespace imcsim::chip {

SimulationResult simulate(const ChipConfig& config, const firmware::Program& program,
                          const SimulationOptions& options) {
  static bool used = false;
  if (used) throw Error("simulate(): SystemC elaborates once per process; run another process for another design");
  used = true;
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
  for (const char* component : {"array", "adc", "dac", "digital", "sram", "programming", "network"}) {
    r.energy_breakdown_pj[component] = r.stats.sum_suffix(std::string(".energy_") + component + "_pj");
  }
  r.energy_breakdown_pj["leakage"] = config.cores.count * config.technology.core_leakage_mw * 1e-3 * r.latency_ns * 1e3;
  for (const auto& [name, pj] : r.energy_breakdown_pj) r.energy_pj += pj;
  r.busy_ns = r.stats.sum_suffix(".busy_ns");
  r.mvm_vectors = r.stats.sum_suffix(".mvm_vectors");
  for (int i = 0; i < chip.core_count(); ++i) {
    if (r.stats.get(chip.core(i).name() + std::string(".commands")).value > 0) ++r.cores_active;
    for (const auto& b : chip.core(i).busy_intervals()) {
      r.timeline.push_back({"core" + std::to_string(i), cores::op_name(b.op), b.start_ns, b.end_ns});
    }
  }
  for (const auto& t : chip.network().transfers()) {
    r.timeline.push_back({"network", std::to_string(t.src) + "->" + std::to_string(t.dst), t.start_ns, t.end_ns});
  }
  const auto& links = chip.network().links().topology().links();
  for (const auto& b : chip.network().links().bookings()) {
    const auto& l = links[static_cast<std::size_t>(b.link)];
    r.timeline.push_back(
        {"link " + std::to_string(l.src) + "->" + std::to_string(l.dst), "packet", b.start_ns, b.end_ns});
  }
  return r;
}

}  // namespace imcsim::chip
