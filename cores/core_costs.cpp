#include "cores/core_costs.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"

namespace imcsim::cores {

std::string op_name(CoreOp op) {
  switch (op) {
    case CoreOp::program_weights:
      return "program_weights";
    case CoreOp::mvm:
      return "mvm";
    case CoreOp::mvm_transposed:
      return "mvm_transposed";
    case CoreOp::pulsed_update:
      return "pulsed_update";
    case CoreOp::digital:
      return "digital";
    case CoreOp::accumulate:
      return "accumulate";
    case CoreOp::global_digital:
      return "global_digital";
    case CoreOp::buffer_write:
      return "buffer_write";
    case CoreOp::buffer_read:
      return "buffer_read";
  }
  return "unknown";
}

CoreCosts::CoreCosts(const CoreParams& params)
    : m_params(params),
      m_model(params.technology, params.design),
      m_mvm(m_model.mvm()),
      m_array_phase(m_model.array_phase()),
      m_adc(m_model.adc_conversion()),
      m_dac(m_model.dac_drive()),
      m_digital(m_model.digital_op()),
      m_has_sram(m_model.point().sram_kib > 0) {
  if (m_has_sram) m_sram_word = m_model.sram_access();
}

double CoreCosts::sram_energy_pj(double bytes) const {
  if (!m_has_sram || bytes <= 0) return 0;
  return std::ceil(bytes / 8.0) * m_sram_word.energy_pj;
}

UpdateActivity CoreCosts::update_activity(const CoreCommand& c) const {
  const int rows = c.rows > 0 ? c.rows : m_params.rows;
  const int cols = c.cols > 0 ? c.cols : m_params.cols;
  if (c.pulse_length < 1) throw ParameterError("core.command", "pulsed_update needs a pulse length >= 1");
  if (!c.activity) return expected_update_activity(rows, cols, c.vectors, c.pulse_length);
  const UpdateActivity& a = *c.activity;
  const auto check = [](const char* what, double value, double most) {
    if (!(value >= 0) || value > most * (1 + 1e-12)) {
      throw ParameterError("core.command", std::string("pulsed_update: ") + what + " " + std::to_string(value) +
                                               " is outside [0, " + std::to_string(most) + "]");
    }
  };
  check("slots", a.slots, static_cast<double>(c.vectors) * c.pulse_length);
  check("row pulses", a.row_pulses, a.slots * rows);
  check("column pulses", a.column_pulses, a.slots * cols);
  check("coincidences", a.coincidences, std::min(a.row_pulses * cols, a.column_pulses * rows));
  return a;
}

UpdateEnergy CoreCosts::update_energy(const CoreCommand& c) const {
  const int rows = c.rows > 0 ? c.rows : m_params.rows;
  const int cols = c.cols > 0 ? c.cols : m_params.cols;
  const UpdateActivity a = update_activity(c);
  const hw::UpdateTechnology& u = m_model.table().update;
  UpdateEnergy e;
  e.row_drivers_pj = a.row_pulses * m_model.update_row_pulse_energy_pj();
  e.column_drivers_pj = a.column_pulses * m_model.update_column_pulse_energy_pj();
  e.coincidences_pj = a.coincidences * u.coincidence_energy_pj;
  e.probabilities_pj = static_cast<double>(c.vectors) * (rows + cols) * u.probability_energy_pj;
  e.streams_pj = a.slots * (rows + cols) * u.stream_bit_energy_pj;
  e.buffers_pj = sram_energy_pj(static_cast<double>(c.vectors) * (rows + cols));
  return e;
}

CommandCost CoreCosts::cost(const CoreCommand& c) const {
  const int rows = c.rows > 0 ? c.rows : m_params.rows;
  const int cols = c.cols > 0 ? c.cols : m_params.cols;
  if (rows > m_params.rows || cols > m_params.cols) {
    throw ParameterError("core.command", op_name(c.op) + " on " + std::to_string(rows) + " x " + std::to_string(cols) +
                                             " does not fit a " + std::to_string(m_params.rows) + " x " +
                                             std::to_string(m_params.cols) + " core");
  }
  if (c.vectors < 0 || c.elements < 0 || c.bytes < 0) throw ParameterError("core.command", "negative size");
  const double used_cells = static_cast<double>(rows) * cols / (static_cast<double>(m_params.rows) * m_params.cols);
  const double clock_ns = m_digital.latency_ns;
  CommandCost out;
  switch (c.op) {
    case CoreOp::mvm:
    case CoreOp::mvm_transposed: {
      // Every vector is one full MVM (the integration window does not shrink with fewer rows); energy
      // counts the cells, converters and drivers in use. Transposed reads swap the roles of rows and columns.
      const double phases = m_model.point().phases;
      const int driven = c.op == CoreOp::mvm ? rows : cols;
      const int converted = c.op == CoreOp::mvm ? cols : rows;
      out.latency_ns = c.vectors * m_mvm.latency_ns;
      out.energy.array_pj = c.vectors * phases * m_array_phase.energy_pj * used_cells;
      out.energy.adc_pj = c.vectors * phases * converted * m_adc.energy_pj;
      out.energy.dac_pj = c.vectors * phases * driven * m_dac.energy_pj;
      out.energy.adc_pj += c.vectors * m_model.table().mvm_overhead_energy_pj;
      out.energy.sram_pj = sram_energy_pj(static_cast<double>(c.vectors) * (driven + 2.0 * converted));
      break;
    }
    case CoreOp::pulsed_update: {
      // Each sample update: its slots, one pulse width and slot overhead each, after a fixed setup.
      const UpdateActivity a = update_activity(c);
      const UpdateEnergy e = update_energy(c);
      out.latency_ns = a.slots * m_model.update_slot_ns() + c.vectors * m_model.table().update.vector_overhead_ns;
      out.energy.dac_pj = e.row_drivers_pj + e.column_drivers_pj;
      out.energy.array_pj = e.coincidences_pj;
      out.energy.digital_pj = e.probabilities_pj + e.streams_pj;
      out.energy.sram_pj = e.buffers_pj;
      break;
    }
    case CoreOp::program_weights: {
      const hw::ActionCost p =
          m_model.program_rows(rows, cols, m_params.device_slots, m_params.program_verify_iterations);
      out.latency_ns = p.latency_ns;
      out.energy.programming_pj = p.energy_pj;
      break;
    }
    case CoreOp::digital:
    case CoreOp::accumulate:
      // One datum per clock through a pipeline; adding a partial sum streamed along a chain takes a deeper one.
      out.pipeline_ns = (c.partial_sum ? m_params.accumulate_pipeline_stages : m_params.pipeline_stages) * clock_ns;
      out.latency_ns = c.elements > 0 ? c.elements * clock_ns + out.pipeline_ns : 0;
      out.energy.digital_pj = c.elements * m_digital.energy_pj;
      out.energy.sram_pj = sram_energy_pj(c.op == CoreOp::accumulate ? 2.0 * c.elements : c.elements);
      break;
    case CoreOp::global_digital: {
      // Outputs spread over the slices; each slice needs cycles_per_output clocks per output (FP16 pipeline).
      const int slices = std::max(1, m_params.global_unit_slices);
      const double rounds = std::ceil(static_cast<double>(c.elements) / slices);
      out.pipeline_ns = m_params.global_unit_pipeline_stages * clock_ns;
      out.latency_ns =
          c.elements > 0 ? rounds * m_params.global_unit_cycles_per_output * clock_ns + out.pipeline_ns : 0;
      out.energy.digital_pj = c.elements * m_model.table().global_op_energy_pj;
      break;
    }
    case CoreOp::buffer_write:
    case CoreOp::buffer_read: {
      const double capacity_kib = c.op == CoreOp::buffer_write ? m_params.input_buffer_kib : m_params.output_buffer_kib;
      if (capacity_kib > 0 && c.bytes > capacity_kib * 1024) {
        throw ParameterError("core.command", op_name(c.op) + " of " + std::to_string(c.bytes) + " bytes exceeds the " +
                                                 std::to_string(capacity_kib) + " KiB buffer");
      }
      const double words = std::ceil(c.bytes / 8.0);
      out.latency_ns = words * (m_has_sram ? m_sram_word.latency_ns : clock_ns);
      out.energy.sram_pj = sram_energy_pj(c.bytes);
      break;
    }
  }
  return out;
}

}  // namespace imcsim::cores
