#pragma once
// The top-level SystemC chip: controller, cores and network assembled from a resolved ChipConfig. This is the
// header other SystemC platforms include to embed the chip (docs/embedding.md).
//
// Binding: controller.core_sockets[i] -> core(i).socket, controller.network_socket -> network().socket.
// The temporal-decoupling quantum is set from config.sim.quantum_ns when the chip is built.

#include <systemc>

#include <memory>
#include <vector>

#include "base/statistics.h"
#include "chip/chip_config.h"
#include "chip/core_params.h"
#include "cores/core.h"
#include "firmware/controller.h"
#include "interconnect/network.h"

namespace imcsim::chip {

class Chip : public sc_core::sc_module {
 public:
  /// `stats` must outlive the chip. Throws InputError if the program does not fit the chip. With `numerics`,
  /// every core carries a programmed crossbar (chip/crossbar_numerics.h) that computes its MVMs.
  Chip(const sc_core::sc_module_name& name, const ChipConfig& config, const firmware::Program& program,
       StatisticsRegistry& stats, bool numerics = false);

  cores::Core& core(int i) { return *m_cores[static_cast<std::size_t>(i)]; }
  int core_count() const { return static_cast<int>(m_cores.size()); }
  interconnect::Network& network() { return *m_network; }
  firmware::Controller& controller() { return *m_controller; }
  const ChipConfig& config() const { return m_config; }

 private:
  ChipConfig m_config;
  std::vector<std::unique_ptr<cores::Core>> m_cores;
  std::unique_ptr<interconnect::Network> m_network;
  std::unique_ptr<firmware::Controller> m_controller;
};

}  // namespace imcsim::chip
