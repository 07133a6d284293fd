#pragma once
// Technology table: energy, latency and area per action and per component at a reference design point,
// and the cost model that scales them to another design point (array size, ADC kind and bits, DAC bits,
// SRAM capacity) by the rules documented in docs/technology.md. Energy is always an action count times a
// per-action cost from this table; no module hides its own constants.
//
// The default (hermes_technology()) is calibrated to IBM's HERMES core in 14 nm: one MVM of a 256 x 256 core
// costs 13.4 nJ / 133 ns one-phase and 52.8 nJ / 520 ns four-phase (array + ADC + PWM), core area
// 1.392 mm2 of which MVM 0.635 mm2 and global digital units 0.281 mm2.

#include <map>
#include <string>

#include "hw/periphery/adc_kind.h"

namespace imcsim {
class YamlSection;
}

namespace imcsim::hw {

/// Per-kind ADC costs at the reference resolution.
struct AdcTechnology {
  double energy_pj = 0;         ///< one conversion
  double area_mm2 = 0;          ///< one converter
  double time_per_step_ns = 0;  ///< cco/ramp: per count; sar: per bit cycle; flash: per conversion
  bool integrating = false;     ///< converts while the input pulse is applied (cco): latency overlaps PWM
};

/// The pulsed update of analog training (the RPU scheme: coincident stochastic pulse trains on rows and columns).
/// Driver energies are quoted at the reference array: a row line crosses reference.cols cells, a column line
/// reference.rows.
struct UpdateTechnology {
  double pulse_width_ns = 0;           ///< one pulse of a stochastic train (> 0)
  double slot_overhead_ns = 0;         ///< added to every slot (driver edges, settling between pulses)
  double vector_overhead_ns = 0;       ///< per sample update (update-management scale, loading the translators)
  double coincidence_energy_pj = 0;    ///< one device pulsed by a coincidence of its row and its column
  double row_driver_energy_pj = 0;     ///< one row line driven for one slot
  double column_driver_energy_pj = 0;  ///< one column line driven for one slot
  double probability_energy_pj = 0;    ///< one line's probability per sample update (scale by c_x or c_d, clip)
  double stream_bit_energy_pj = 0;     ///< one bit of one line's stochastic stream (a random draw and a compare)
};

struct TechnologyTable {
  std::string name = "hermes-14nm";
  // Reference design point of the numbers below.
  int ref_rows = 256;
  int ref_cols = 256;
  int ref_adc_bits = 8;
  int ref_dac_bits = 8;
  double ref_sram_kib = 64;
  // Analog MVM, per phase unless noted.
  double array_phase_energy_pj = 0;   ///< whole array conducting for the full-scale pulse
  double dac_drive_energy_pj = 0;     ///< one row driven with a full-scale pulse
  double mvm_overhead_energy_pj = 0;  ///< per MVM (counter readout, sequencing), any mode
  double pwm_lsb_ns = 0;              ///< pulse duration per input LSB
  double phase_overhead_ns = 0;       ///< per phase (settling, counter reset)
  double mvm_overhead_ns = 0;         ///< per MVM
  double array_area_mm2 = 0;
  double dac_area_mm2 = 0;               ///< one row driver (PWM generator)
  double program_pulse_ns = 0;           ///< one programming pulse (program-and-verify)
  double program_pulse_energy_pj = 0;    ///< one device, one programming pulse
  UpdateTechnology update;               ///< training's pulsed update
  std::map<AdcKind, AdcTechnology> adc;  ///< by kind: every AdcKind
  double adc_counter_area_fraction = 0;  ///< cco/ramp: share of area in the counter (grows with bits)
  // Local digital unit and memory (its clock is the design point's).
  double digital_op_energy_pj = 0;           ///< one datum through the affine/ReLU/add pipeline
  double global_op_energy_pj = 0;            ///< one output of a global digital unit (an LSTM cell's gates)
  double sram_access_energy_pj = 0;          ///< one 64-bit word at ref_sram_kib
  double sram_energy_capacity_exponent = 0;  ///< access energy ~ capacity^exponent
  double sram_access_ns = 0;
  double sram_area_mm2_per_kib = 0;
  double local_digital_area_mm2 = 0;  ///< rest of the core outside MVM, SRAM and global digital units
  double global_digital_area_mm2 = 0;
  // Network.
  double link_bit_energy_pj = 0;    ///< one bit over one hop (link wires)
  double router_bit_energy_pj = 0;  ///< one bit through one router (the network's timing is the chip config's)
  // Static.
  /// Power of one powered core whatever it does: its clocked digital units and controller, periphery bias and
  /// leakage; unused cores are power-gated (chip::static_energy_pj).
  double core_static_power_mw = 0;
};

/// The built-in HERMES-calibrated table (identical to configs/technology/hermes14nm.yaml).
TechnologyTable hermes_technology();
/// Loads a table; every key is optional (defaults: hermes_technology()), unknown keys and negative values are
/// InputErrors naming file:line:key.
TechnologyTable load_technology(const std::string& path);
TechnologyTable read_technology(YamlSection& section);

/// The design point costs are scaled to.
struct DesignPoint {
  int rows = 256;
  int cols = 256;
  int adc_bits = 8;
  AdcKind adc_kind = AdcKind::cco;
  int dac_bits = 8;
  int phases = 1;                  ///< 1 (one-phase read) or 4 (four-phase: each sign quadrant separately)
  double sram_kib = 0;             ///< local SRAM; HERMES publishes none (its buffers are in the digital area)
  double digital_clock_mhz = 400;  ///< local digital units, one datum per clock
};

struct ActionCost {
  double energy_pj = 0;
  double latency_ns = 0;
};

/// Costs of one design point. Throws ParameterError for invalid design points (e.g. unknown ADC kind).
class CostModel {
 public:
  CostModel(TechnologyTable table, DesignPoint point);

  const TechnologyTable& table() const { return m_table; }
  const DesignPoint& point() const { return m_point; }

  /// Longest input pulse: (2^(dac_bits-1) - 1) LSBs.
  double pwm_max_ns() const;
  /// One conversion of one column ADC (latency: its own conversion time after/while the pulse).
  ActionCost adc_conversion() const;
  /// One row driven for one phase (latency: the full-scale pulse).
  ActionCost dac_drive() const;
  /// The array conducting for one phase.
  ActionCost array_phase() const;
  /// A whole MVM: phases x (array + cols conversions + rows drives) + overhead.
  ActionCost mvm() const;
  /// Energy split of one MVM.
  double mvm_array_energy_pj() const;
  double mvm_adc_energy_pj() const;
  double mvm_dac_energy_pj() const;
  /// Programming `rows` x `cols` devices per slot with `iterations` program-and-verify rounds, row by row:
  /// each round of a row is one pulse on its devices and one verify read of the row.
  ActionCost program_rows(int rows, int cols, int device_slots, double iterations) const;
  /// One slot of a pulsed update: update.pulse_width_ns + update.slot_overhead_ns.
  double update_slot_ns() const;
  /// One row line (one column line) driven for one update slot: ~ the cells its wire crosses, the design point's
  /// cols (rows), whatever block an update uses.
  double update_row_pulse_energy_pj() const;
  double update_column_pulse_energy_pj() const;
  /// One datum through the local digital unit: one clock of the design point.
  ActionCost digital_op() const;
  /// One 64-bit SRAM word access at the design point's capacity; throws when the design has no SRAM.
  ActionCost sram_access() const;

  double adc_area_mm2() const;  ///< one converter
  double dac_area_mm2() const;  ///< one row driver
  double array_area_mm2() const;
  double mvm_area_mm2() const;  ///< array + cols ADCs + rows DACs
  double sram_area_mm2() const;
  double core_area_mm2() const;  ///< MVM + SRAM + local and global digital units

 private:
  const AdcTechnology& adc_tech() const;
  /// One phase: the pulse and the conversion (overlapped for integrating ADCs) plus the phase overhead.
  double phase_ns() const;
  double cells_ratio() const;
  double pulse_ratio() const;

  TechnologyTable m_table;
  DesignPoint m_point;
};

}  // namespace imcsim::hw
