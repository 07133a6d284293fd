#include "hw/technology.h"

#include <cmath>

#include "base/check.h"
#include "base/yaml_section.h"

namespace imcsim::hw {

TechnologyTable hermes_technology() {
  TechnologyTable t;
  t.name = "hermes-14nm";
  t.array_phase_energy_pj = 1970.0;
  t.dac_drive_energy_pj = 7.6953125;
  t.mvm_overhead_energy_pj = 266.6667;
  t.pwm_lsb_ns = 1.0;
  t.phase_overhead_ns = 2.0;
  t.mvm_overhead_ns = 4.0;
  t.array_area_mm2 = 0.18;
  t.dac_area_mm2 = 0.00009765625;
  t.program_pulse_ns = 1000.0;
  t.program_pulse_energy_pj = 20.0;
  // Assumed (docs/technology.md, "Pulsed update"): 1-ns pulses as in Gokmen & Vlasov 2016.
  t.update.pulse_width_ns = 1.0;
  t.update.slot_overhead_ns = 0.5;
  t.update.vector_overhead_ns = 10.0;
  t.update.coincidence_energy_pj = 0.01;
  t.update.row_driver_energy_pj = 0.25;
  t.update.column_driver_energy_pj = 0.25;
  t.update.probability_energy_pj = 1.5;
  t.update.stream_bit_energy_pj = 0.02;
  t.adc[AdcKind::cco] = {35.91146, 0.0016796875, 0.3, true};
  t.adc[AdcKind::ramp] = {35.91146, 0.0016796875, 0.3, false};
  t.adc[AdcKind::sar] = {1.67, 0.0012, 1.0, false};
  t.adc[AdcKind::flash] = {2.0, 0.002, 1.0, false};
  t.adc_counter_area_fraction = 0.25;
  t.digital_op_energy_pj = 1.5;
  t.global_op_energy_pj = 6.0;  // estimated (docs/technology.md)
  t.sram_access_energy_pj = 8.0;
  t.sram_energy_capacity_exponent = 0.78;
  t.sram_access_ns = 2.5;
  t.sram_area_mm2_per_kib = 0.0008;
  t.local_digital_area_mm2 = 0.476;
  t.global_digital_area_mm2 = 0.281;
  t.link_bit_energy_pj = 0.15;
  t.router_bit_energy_pj = 0.05;
  t.core_static_power_mw = 94.7;  // fitted to the ResNet-9 layer energies (imcsim validate hermes --fit)
  return t;
}

namespace {
void read_cost(YamlSection& s, const std::string& key, double& value) { s.read_in_range(key, value, 0.0, 1e12); }
}  // namespace

TechnologyTable read_technology(YamlSection& root) {
  TechnologyTable t = hermes_technology();
  root.read("name", t.name);
  YamlSection ref = root.section("reference");
  ref.read_in_range("rows", t.ref_rows, 1, 1 << 16);
  ref.read_in_range("cols", t.ref_cols, 1, 1 << 16);
  ref.read_in_range("adc_bits", t.ref_adc_bits, 2, 16);
  ref.read_in_range("dac_bits", t.ref_dac_bits, 2, 16);
  ref.read_in_range("sram_kib", t.ref_sram_kib, 1e-3, 1e9);
  ref.finish();

  YamlSection mvm = root.section("mvm");
  read_cost(mvm, "array_phase_energy_pj", t.array_phase_energy_pj);
  read_cost(mvm, "dac_drive_energy_pj", t.dac_drive_energy_pj);
  read_cost(mvm, "mvm_overhead_energy_pj", t.mvm_overhead_energy_pj);
  read_cost(mvm, "pwm_lsb_ns", t.pwm_lsb_ns);
  read_cost(mvm, "phase_overhead_ns", t.phase_overhead_ns);
  read_cost(mvm, "mvm_overhead_ns", t.mvm_overhead_ns);
  read_cost(mvm, "array_area_mm2", t.array_area_mm2);
  read_cost(mvm, "dac_area_mm2", t.dac_area_mm2);
  read_cost(mvm, "program_pulse_ns", t.program_pulse_ns);
  read_cost(mvm, "program_pulse_energy_pj", t.program_pulse_energy_pj);
  mvm.finish();

  YamlSection update = root.section("update");
  update.read_in_range("pulse_width_ns", t.update.pulse_width_ns, 1e-6, 1e12);
  read_cost(update, "slot_overhead_ns", t.update.slot_overhead_ns);
  read_cost(update, "vector_overhead_ns", t.update.vector_overhead_ns);
  read_cost(update, "coincidence_energy_pj", t.update.coincidence_energy_pj);
  read_cost(update, "row_driver_energy_pj", t.update.row_driver_energy_pj);
  read_cost(update, "column_driver_energy_pj", t.update.column_driver_energy_pj);
  read_cost(update, "probability_energy_pj", t.update.probability_energy_pj);
  read_cost(update, "stream_bit_energy_pj", t.update.stream_bit_energy_pj);
  update.finish();

  YamlSection adc = root.section("adc");
  adc.read_in_range("counter_area_fraction", t.adc_counter_area_fraction, 0.0, 1.0);
  for (const AdcKind kind : adc_kind_names().values()) {
    YamlSection k = adc.section(adc_kind_names().name(kind));
    AdcTechnology& a = t.adc[kind];
    read_cost(k, "energy_pj", a.energy_pj);
    read_cost(k, "area_mm2", a.area_mm2);
    read_cost(k, "time_per_step_ns", a.time_per_step_ns);
    k.read("integrating", a.integrating);
    k.finish();
  }
  adc.finish();

  YamlSection digital = root.section("digital");
  read_cost(digital, "op_energy_pj", t.digital_op_energy_pj);
  read_cost(digital, "global_op_energy_pj", t.global_op_energy_pj);
  read_cost(digital, "sram_access_energy_pj", t.sram_access_energy_pj);
  digital.read_in_range("sram_energy_capacity_exponent", t.sram_energy_capacity_exponent, 0.0, 2.0);
  read_cost(digital, "sram_access_ns", t.sram_access_ns);
  read_cost(digital, "sram_area_mm2_per_kib", t.sram_area_mm2_per_kib);
  read_cost(digital, "local_digital_area_mm2", t.local_digital_area_mm2);
  read_cost(digital, "global_digital_area_mm2", t.global_digital_area_mm2);
  digital.finish();

  YamlSection network = root.section("network");
  read_cost(network, "link_bit_energy_pj", t.link_bit_energy_pj);
  read_cost(network, "router_bit_energy_pj", t.router_bit_energy_pj);
  network.finish();

  YamlSection stat = root.section("static");
  read_cost(stat, "core_power_mw", t.core_static_power_mw);
  stat.finish();
  root.finish();
  return t;
}

TechnologyTable load_technology(const std::string& path) {
  YamlSection root = YamlSection::load_file(path);
  return read_technology(root);
}

CostModel::CostModel(TechnologyTable table, DesignPoint point) : m_table(std::move(table)), m_point(std::move(point)) {
  require_in_range("design.rows", m_point.rows, 1, 1 << 16);
  require_in_range("design.cols", m_point.cols, 1, 1 << 16);
  require_bits("design.adc_bits", m_point.adc_bits);
  require_bits("design.dac_bits", m_point.dac_bits);
  if (m_point.dac_bits < 2) throw ParameterError("design.dac_bits", "a signed DAC needs at least 2 bits");
  if (m_point.phases != 1 && m_point.phases != 4) {
    throw ParameterError("design.phases",
                         "must be 1 (one-phase) or 4 (four-phase), not " + std::to_string(m_point.phases));
  }
  require_non_negative("design.sram_kib", m_point.sram_kib);
  require_positive("design.digital_clock_mhz", m_point.digital_clock_mhz);
  if (m_table.adc.count(m_point.adc_kind) == 0) {
    throw ParameterError("design.adc_kind",
                         "no technology entry for ADC kind '" + adc_kind_names().name(m_point.adc_kind) + "'");
  }
}

const AdcTechnology& CostModel::adc_tech() const { return m_table.adc.at(m_point.adc_kind); }

double CostModel::cells_ratio() const {
  return static_cast<double>(m_point.rows) * m_point.cols / (static_cast<double>(m_table.ref_rows) * m_table.ref_cols);
}

double CostModel::pwm_max_ns() const { return ((1 << (m_point.dac_bits - 1)) - 1) * m_table.pwm_lsb_ns; }

double CostModel::pulse_ratio() const {
  const double ref = ((1 << (m_table.ref_dac_bits - 1)) - 1) * m_table.pwm_lsb_ns;
  return ref > 0 ? pwm_max_ns() / ref : 1.0;
}

ActionCost CostModel::adc_conversion() const {
  const AdcTechnology& a = adc_tech();
  const int db = m_point.adc_bits - m_table.ref_adc_bits;
  const double steps = std::ldexp(1.0, m_point.adc_bits);  // 2^bits counts or comparators
  ActionCost c;
  if (m_point.adc_kind == AdcKind::flash) {
    c.energy_pj = a.energy_pj * (steps - 1) / (std::ldexp(1.0, m_table.ref_adc_bits) - 1);
    c.latency_ns = a.time_per_step_ns;
  } else if (m_point.adc_kind == AdcKind::sar) {
    c.energy_pj = a.energy_pj * std::ldexp(1.0, db);  // Walden figure of merit: E = FOM * 2^ENOB
    c.latency_ns = a.time_per_step_ns * m_point.adc_bits;
  } else {  // cco, ramp: one count per LSB
    c.energy_pj = a.energy_pj * std::ldexp(1.0, db);
    c.latency_ns = a.time_per_step_ns * steps;
  }
  return c;
}

ActionCost CostModel::dac_drive() const {
  // Driver energy ~ wire capacitance (columns) x resolution (ZigZag's linear-in-bits DAC model).
  const double cols_ratio = static_cast<double>(m_point.cols) / m_table.ref_cols;
  const double bits_ratio = static_cast<double>(m_point.dac_bits) / m_table.ref_dac_bits;
  return {m_table.dac_drive_energy_pj * cols_ratio * bits_ratio, pwm_max_ns()};
}

ActionCost CostModel::array_phase() const {
  // Ohmic energy ~ number of conducting cells x pulse duration.
  return {m_table.array_phase_energy_pj * cells_ratio() * pulse_ratio(), pwm_max_ns()};
}

double CostModel::mvm_array_energy_pj() const { return m_point.phases * array_phase().energy_pj; }
double CostModel::mvm_adc_energy_pj() const { return m_point.phases * m_point.cols * adc_conversion().energy_pj; }
double CostModel::mvm_dac_energy_pj() const { return m_point.phases * m_point.rows * dac_drive().energy_pj; }

double CostModel::phase_ns() const {
  const double adc_ns = adc_conversion().latency_ns;
  // An integrating ADC counts during the pulse; the others convert after it.
  const double convert_ns = adc_tech().integrating ? std::max(pwm_max_ns(), adc_ns) : pwm_max_ns() + adc_ns;
  return convert_ns + m_table.phase_overhead_ns;
}

ActionCost CostModel::mvm() const {
  ActionCost c;
  c.energy_pj = mvm_array_energy_pj() + mvm_adc_energy_pj() + mvm_dac_energy_pj() + m_table.mvm_overhead_energy_pj;
  c.latency_ns = m_point.phases * phase_ns() + m_table.mvm_overhead_ns;
  return c;
}

ActionCost CostModel::program_rows(int rows, int cols, int device_slots, double iterations) const {
  // Verify: one single-phase read of the row, converted by the row's columns.
  const double verify_ns = phase_ns();
  const double verify_pj =
      array_phase().energy_pj / m_point.rows + cols * adc_conversion().energy_pj + dac_drive().energy_pj;
  ActionCost c;
  c.latency_ns = rows * iterations * (m_table.program_pulse_ns + verify_ns);
  c.energy_pj =
      rows * iterations * (static_cast<double>(cols) * device_slots * m_table.program_pulse_energy_pj + verify_pj);
  return c;
}

double CostModel::update_slot_ns() const { return m_table.update.pulse_width_ns + m_table.update.slot_overhead_ns; }

double CostModel::update_row_pulse_energy_pj() const {
  return m_table.update.row_driver_energy_pj * static_cast<double>(m_point.cols) / m_table.ref_cols;
}

double CostModel::update_column_pulse_energy_pj() const {
  return m_table.update.column_driver_energy_pj * static_cast<double>(m_point.rows) / m_table.ref_rows;
}

ActionCost CostModel::digital_op() const { return {m_table.digital_op_energy_pj, 1e3 / m_point.digital_clock_mhz}; }

ActionCost CostModel::sram_access() const {
  if (!(m_point.sram_kib > 0)) throw ParameterError("design.sram_kib", "the design point has no SRAM to access");
  const double capacity = m_point.sram_kib / m_table.ref_sram_kib;
  return {m_table.sram_access_energy_pj * std::pow(capacity, m_table.sram_energy_capacity_exponent),
          m_table.sram_access_ns};
}

double CostModel::adc_area_mm2() const {
  const AdcTechnology& a = adc_tech();
  const int db = m_point.adc_bits - m_table.ref_adc_bits;
  if (m_point.adc_kind == AdcKind::flash) {
    return a.area_mm2 * (std::ldexp(1.0, m_point.adc_bits) - 1) / (std::ldexp(1.0, m_table.ref_adc_bits) - 1);
  }
  if (m_point.adc_kind == AdcKind::sar) return a.area_mm2 * std::ldexp(1.0, db);  // capacitor DAC ~ 2^bits
  // cco, ramp: oscillator/comparator fixed, counter grows linearly with bits.
  const double f = m_table.adc_counter_area_fraction;
  return a.area_mm2 * ((1.0 - f) + f * m_point.adc_bits / m_table.ref_adc_bits);
}

double CostModel::dac_area_mm2() const {
  return m_table.dac_area_mm2 * static_cast<double>(m_point.dac_bits) / m_table.ref_dac_bits;
}

double CostModel::array_area_mm2() const { return m_table.array_area_mm2 * cells_ratio(); }

double CostModel::mvm_area_mm2() const {
  return array_area_mm2() + m_point.cols * adc_area_mm2() + m_point.rows * dac_area_mm2();
}

double CostModel::sram_area_mm2() const { return m_point.sram_kib * m_table.sram_area_mm2_per_kib; }

double CostModel::core_area_mm2() const {
  return mvm_area_mm2() + sram_area_mm2() + m_table.local_digital_area_mm2 + m_table.global_digital_area_mm2;
}

}  // namespace imcsim::hw
