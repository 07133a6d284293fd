#include "chip/transfer_energy.h"

namespace imcsim::chip {

TransferEnergy::TransferEnergy(const ChipConfig& config)
    : m_topology(interconnect::make_topology(config.interconnect)),
      m_offchip_node(config.interconnect.offchip_node),
      m_bit_hop_pj(config.technology.link_bit_energy_pj + config.technology.router_bit_energy_pj) {}

double TransferEnergy::pj(const firmware::Instruction& ins) const {
  int src = -1, dst = -1;
  if (ins.op == firmware::Op::send) src = ins.core, dst = ins.peer;
  if (ins.op == firmware::Op::load) src = m_offchip_node, dst = ins.core;
  if (ins.op == firmware::Op::store) src = ins.core, dst = m_offchip_node;
  if (src < 0) return 0.0;
  return 8.0 * ins.bytes * m_topology->hop_count(src, dst) * m_bit_hop_pj;
}

}  // namespace imcsim::chip
