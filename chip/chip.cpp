#include "chip/chip.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include "chip/crossbar_numerics.h"

namespace imcsim::chip {

cores::CoreParams core_params(const ChipConfig& config) {
  cores::CoreParams p;
  p.rows = config.cores.rows;
  p.cols = config.cores.cols;
  p.device_slots = 2 * config.mapping.devices_per_polarity;
  p.program_verify_iterations = config.cores.program_verify_iterations;
  p.global_unit_slices = config.digital.global_unit_slices;
  p.input_buffer_kib = config.cores.input_buffer_kib;
  p.output_buffer_kib = config.cores.output_buffer_kib;
  p.global_unit_cycles_per_output = config.digital.global_unit_cycles_per_output;
  p.technology = config.technology;
  p.design = config.design_point();
  return p;
}

Chip::Chip(const sc_core::sc_module_name& name, const ChipConfig& config, const firmware::Program& program,
           StatisticsRegistry& stats, bool numerics)
    : sc_module(name), m_config(config) {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(config.sim.quantum_ns, sc_core::SC_NS));
  const cores::CoreParams params = core_params(config);
  for (int i = 0; i < config.cores.count; ++i) {
    std::unique_ptr<cores::CoreNumerics> core_numerics;
    if (numerics) core_numerics = std::make_unique<CrossbarNumerics>(config, i);
    m_cores.push_back(std::make_unique<cores::Core>(("core" + std::to_string(i)).c_str(), i, params, stats,
                                                    std::move(core_numerics)));
  }
  m_network = std::make_unique<interconnect::Network>("network", config.interconnect, config.technology, stats);
  m_controller = std::make_unique<firmware::Controller>("controller", program, config.cores.count,
                                                        config.interconnect.offchip_node, stats,
                                                        config.interconnect.mode != interconnect::NetworkMode::at);
  for (int i = 0; i < config.cores.count; ++i) {
    m_controller->core_sockets[static_cast<std::size_t>(i)]->bind(m_cores[static_cast<std::size_t>(i)]->socket);
  }
  m_controller->network_socket.bind(m_network->socket);
}

}  // namespace imcsim::chip
