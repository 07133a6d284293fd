#include "cores/core.h"

#include "base/errors.h"
#include "cores/core_timing.h"

namespace imcsim::cores {

tlm::tlm_extension_base* CoreCommandExtension::clone() const { return new CoreCommandExtension(*this); }

void CoreCommandExtension::copy_from(const tlm::tlm_extension_base& other) {
  command = static_cast<const CoreCommandExtension&>(other).command;
}

namespace {
Stat& declare(StatisticsRegistry& stats, const std::string& prefix, const std::string& name, const std::string& what,
              const std::string& unit) {
  return stats.declare(prefix + "." + name, what, unit);
}
}  // namespace

Core::Core(const sc_core::sc_module_name& name, int id, const CoreParams& params, StatisticsRegistry& stats,
           std::unique_ptr<CoreNumerics> numerics)
    : sc_module(name),
      socket("socket"),
      m_id(id),
      m_costs(params),
      m_numerics(std::move(numerics)),
      m_commands(declare(stats, this->name(), "commands", "commands executed", "count")),
      m_mvms(declare(stats, this->name(), "mvm_vectors", "vectors read by analog MVMs (both directions)", "count")),
      m_busy_ns(declare(stats, this->name(), "busy_ns", "time spent executing commands", "ns")),
      m_energy_array(declare(stats, this->name(), "energy_array_pj", "crossbar array energy", "pJ")),
      m_energy_adc(declare(stats, this->name(), "energy_adc_pj", "ADC conversions and MVM overhead", "pJ")),
      m_energy_dac(declare(stats, this->name(), "energy_dac_pj", "PWM input drivers", "pJ")),
      m_energy_digital(declare(stats, this->name(), "energy_digital_pj", "local digital unit", "pJ")),
      m_energy_sram(declare(stats, this->name(), "energy_sram_pj", "input and output buffers", "pJ")),
      m_energy_programming(declare(stats, this->name(), "energy_programming_pj", "program-and-verify", "pJ")) {
  socket.register_b_transport(this, &Core::b_transport);
}

void Core::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  auto* extension = payload.get_extension<CoreCommandExtension>();
  if (extension == nullptr || payload.get_command() != tlm::TLM_WRITE_COMMAND) {
    payload.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const CoreCommand& command = extension->command;
  CommandCost cost;
  try {
    cost = m_costs.cost(command);
  } catch (const ParameterError& e) {
    extension->error = e.what();
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  if (m_numerics) m_numerics->execute(command);

  const std::int64_t arrival_ps =
      command.start_ns >= 0 ? ps_of_ns(command.start_ns) : (sc_core::sc_time_stamp() + delay).value();
  // A streamed input: the last datum leaves the pipeline after the stream's tail has arrived.
  const auto span =
      schedule_command_ps(arrival_ps, m_busy_until.value(), cost.latency_ns, command.stream_tail_ns, cost.pipeline_ns);
  const sc_core::sc_time end = sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(span.end));
  extension->start_ns = ns_of_ps(span.start);
  extension->end_ns = ns_of_ps(span.end);
  extension->pipeline_ns = cost.pipeline_ns;
  extension->energy = cost.energy;
  m_busy_until = end;
  delay = end > sc_core::sc_time_stamp() ? end - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
  if (m_record) m_intervals.push_back({extension->start_ns, extension->end_ns, command.op});

  m_commands += 1;
  if (command.op == CoreOp::mvm || command.op == CoreOp::mvm_transposed) m_mvms += command.vectors;
  m_busy_ns += ns_of_ps(span.end - span.start);
  m_energy_array += cost.energy.array_pj;
  m_energy_adc += cost.energy.adc_pj;
  m_energy_dac += cost.energy.dac_pj;
  m_energy_digital += cost.energy.digital_pj;
  m_energy_sram += cost.energy.sram_pj;
  m_energy_programming += cost.energy.programming_pj;
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace imcsim::cores
