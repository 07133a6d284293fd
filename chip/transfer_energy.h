#pragma once
// The network energy of one instruction's transfer, as the figures of a timed run attribute it to layers and
// phases (chip/model_timing.h, chip/training_step_timing.h): bits x hops between its source and destination node
// x (network.link_bit_energy_pj + network.router_bit_energy_pj). Plain C++.

#include <memory>

#include "chip/chip_config.h"
#include "firmware/program.h"
#include "interconnect/topology.h"

namespace imcsim::chip {

class TransferEnergy {
 public:
  explicit TransferEnergy(const ChipConfig& config);
  /// A send's (core -> peer), a load's (off-chip port -> core) or a store's (core -> port); 0 for the others.
  double pj(const firmware::Instruction& ins) const;
  const interconnect::NetworkTopology& topology() const { return *m_topology; }

 private:
  std::unique_ptr<interconnect::NetworkTopology> m_topology;
  int m_offchip_node = 0;
  double m_bit_hop_pj = 0;
};

}  // namespace imcsim::chip
