#pragma once
// Latency and energy of every core command: action counts times the technology table (plain C++).

#include "cores/core_command.h"
#include "hw/technology.h"

namespace imcsim::cores {

/// Energy of one command by component, pJ.
struct CommandEnergy {
  double array_pj = 0;
  double adc_pj = 0;
  double dac_pj = 0;
  double digital_pj = 0;
  double sram_pj = 0;
  double programming_pj = 0;
  double total_pj() const { return array_pj + adc_pj + dac_pj + digital_pj + sram_pj + programming_pj; }
};

/// The energy of a pulsed update by what spends it, pJ. A command's CommandEnergy books the row and column
/// drivers as dac, the coincidences as array, probabilities and streams as digital, buffers as sram.
struct UpdateEnergy {
  double row_drivers_pj = 0;     ///< row pulses x one row line driven for a slot
  double column_drivers_pj = 0;  ///< column pulses x one column line driven for a slot
  double coincidences_pj = 0;    ///< device pulses x one coincidence
  double probabilities_pj = 0;   ///< vectors x (rows + cols) line probabilities
  double streams_pj = 0;         ///< slots x (rows + cols) stochastic bits, one per line and slot
  double buffers_pj = 0;         ///< each sample's inputs (rows bytes) and errors (cols bytes) read from SRAM
  double total_pj() const {
    return row_drivers_pj + column_drivers_pj + coincidences_pj + probabilities_pj + streams_pj + buffers_pj;
  }
  UpdateEnergy& operator+=(const UpdateEnergy& o) {
    row_drivers_pj += o.row_drivers_pj;
    column_drivers_pj += o.column_drivers_pj;
    coincidences_pj += o.coincidences_pj;
    probabilities_pj += o.probabilities_pj;
    streams_pj += o.streams_pj;
    buffers_pj += o.buffers_pj;
    return *this;
  }
};

struct CommandCost {
  double latency_ns = 0;
  double pipeline_ns = 0;  ///< digital unit: time from a datum in to the datum out
  CommandEnergy energy;
};

struct CoreParams {
  int rows = 256;
  int cols = 256;
  int device_slots = 2;  ///< devices per weight (both polarities)
  double program_verify_iterations = 10;
  double input_buffer_kib = 0;  ///< capacity checks of buffer commands; 0: unchecked
  double output_buffer_kib = 0;
  int global_unit_slices = 8;
  int global_unit_cycles_per_output = 5;
  double pipeline_stages = 6;  ///< clocks: act and pool (chip config digital.*_pipeline_stages)
  double accumulate_pipeline_stages = 22.17;
  double global_unit_pipeline_stages = 13;
  hw::TechnologyTable technology;
  hw::DesignPoint design;  ///< rows, cols, converters, phases, SRAM of this core
};

class CoreCosts {
 public:
  explicit CoreCosts(const CoreParams& params);
  /// Throws ParameterError for a command that does not fit the core (rows or cols beyond the array, ...).
  CommandCost cost(const CoreCommand& command) const;
  /// A pulsed update's activity as its cost counts it: the command's own, checked (slots <= vectors x BL, row
  /// pulses <= slots x rows, column pulses <= slots x cols, coincidences <= both sides' pulses times the other
  /// side's lines), or the expected one (cores/update_activity.h). Throws ParameterError("core.command").
  UpdateActivity update_activity(const CoreCommand& command) const;
  /// A pulsed update's energy by what spends it (the command must fit the core, as for cost()).
  UpdateEnergy update_energy(const CoreCommand& command) const;
  const hw::CostModel& model() const { return m_model; }
  const CoreParams& params() const { return m_params; }

 private:
  /// SRAM energy of `bytes` moved in 64-bit words (zero when the core has no SRAM).
  double sram_energy_pj(double bytes) const;

  CoreParams m_params;
  hw::CostModel m_model;
  // The per-action costs of this design point, computed once (cost() runs for every command).
  hw::ActionCost m_mvm;
  hw::ActionCost m_array_phase;
  hw::ActionCost m_adc;
  hw::ActionCost m_dac;
  hw::ActionCost m_digital;
  hw::ActionCost m_sram_word;  ///< zero energy when the core has no SRAM
  bool m_has_sram = false;
};

}  // namespace imcsim::cores
