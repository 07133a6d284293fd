#include "interconnect/network.h"

namespace imcsim::interconnect {

Network::Network(const sc_core::sc_module_name& name, const NetworkConfig& config,
                 const hw::TechnologyTable& technology, StatisticsRegistry& stats)
    : sc_module(name),
      socket("socket"),
      m_links(config),
      m_energy_per_bit_hop_pj(technology.link_bit_energy_pj + technology.router_bit_energy_pj),
      m_count(stats.declare(std::string(this->name()) + ".transfers", "transfers between nodes", "count")),
      m_bits(stats.declare(std::string(this->name()) + ".bits", "bits moved", "bit")),
      m_bit_hops(stats.declare(std::string(this->name()) + ".bit_hops", "bits times hops", "bit")),
      m_energy(stats.declare(std::string(this->name()) + ".energy_network_pj", "links and routers", "pJ")) {
  socket.register_b_transport(this, &Network::b_transport);
}

void Network::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const auto* t = payload.get_extension<TransferExtension>();
  const int nodes = m_links.topology().nodes();
  if (t == nullptr || t->src < 0 || t->dst < 0 || t->src >= nodes || t->dst >= nodes || t->bits < 0) {
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const double now_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  const double start_ns = now_ns + delay.to_seconds() * 1e9;
  // No transfer can start before the kernel's current time any more: older reservations can go.
  if (now_ns - m_released_ns > 10000.0) {
    m_links.release_before(now_ns);
    m_released_ns = now_ns;
  }
  const TransferResult r = m_links.transfer(t->src, t->dst, t->bits, start_ns);
  delay = sc_core::sc_time(r.arrival_ns - now_ns, sc_core::SC_NS);
  if (m_record) m_transfers.push_back({t->src, t->dst, start_ns, r.arrival_ns});
  m_count += 1;
  m_bits += t->bits;
  m_bit_hops += r.bit_hops;
  m_energy += r.bit_hops * m_energy_per_bit_hop_pj;
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace imcsim::interconnect
