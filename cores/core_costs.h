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
