#pragma once
// One analog core as a SystemC module: a TLM-2.0 target socket for commands (cores/core_command.h), the
// crossbar with its periphery (numerics from hw/, optional), input/output buffers and the local digital unit.
//
// Timing is loosely timed with busy-until reservations: a command that arrives at local time t (the
// initiator's sc_time_stamp() plus its annotated delay) starts at max(t, end of the core's previous command)
// and the core annotates the delay until it has finished. Energy is action counts times the technology table,
// added to the statistics registry under "<name>.energy_<component>_pj".

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/statistics.h"
#include "cores/core_costs.h"
#include "cores/core_numerics.h"

namespace imcsim::cores {

/// Carries the command of a transaction to a core.
class CoreCommandExtension : public tlm::tlm_extension<CoreCommandExtension> {
 public:
  CoreCommand command;
  /// Filled in by the core: when the command started and ended (absolute, ns) and its pipeline delay, so an
  /// initiator can stream the output on before the command has finished.
  double start_ns = 0;
  double end_ns = 0;
  double pipeline_ns = 0;
  CommandEnergy energy;  ///< filled in: what the command cost, by component
  std::string error;     ///< why the core rejected the command (with TLM_GENERIC_ERROR_RESPONSE)
  tlm::tlm_extension_base* clone() const override;
  void copy_from(const tlm::tlm_extension_base& other) override;
};

/// One interval in which a core was busy, for timelines.
struct BusyInterval {
  double start_ns = 0;
  double end_ns = 0;
  CoreOp op = CoreOp::mvm;
};

class Core : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Core> socket;

  /// `stats` must outlive the core. `numerics` may be null (timing and energy only).
  Core(const sc_core::sc_module_name& name, int id, const CoreParams& params, StatisticsRegistry& stats,
       std::unique_ptr<CoreNumerics> numerics = nullptr);

  /// Base address of core `id` in the chip's address map.
  static constexpr std::uint64_t address_of(int id) { return static_cast<std::uint64_t>(id) << 20; }

  int id() const { return m_id; }
  const CoreCosts& costs() const { return m_costs; }
  /// Time at which the core finishes the last command it accepted.
  const sc_core::sc_time& busy_until() const { return m_busy_until; }
  const std::vector<BusyInterval>& busy_intervals() const { return m_intervals; }
  void record_intervals(bool on) { m_record = on; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  int m_id;
  CoreCosts m_costs;
  std::unique_ptr<CoreNumerics> m_numerics;
  sc_core::sc_time m_busy_until = sc_core::SC_ZERO_TIME;
  bool m_record = false;
  std::vector<BusyInterval> m_intervals;
  Stat& m_commands;
  Stat& m_mvms;
  Stat& m_busy_ns;
  Stat& m_energy_array;
  Stat& m_energy_adc;
  Stat& m_energy_dac;
  Stat& m_energy_digital;
  Stat& m_energy_sram;
  Stat& m_energy_programming;
};

}  // namespace imcsim::cores
