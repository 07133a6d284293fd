#include "chip/chip.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include "chip/crossbar_numerics.h"

namespace imcsim::chip {

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
