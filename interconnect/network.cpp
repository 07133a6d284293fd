#include "interconnect/network.h"

#include <algorithm>

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
  auto* t = payload.get_extension<TransferExtension>();
  const int nodes = m_links.topology().nodes();
  if (t == nullptr || t->src < 0 || t->dst < 0 || t->src >= nodes || t->dst >= nodes || t->bits < 0) {
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  const double now_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  const double start_ns = t->start_ns >= 0 ? t->start_ns : now_ns + delay.to_seconds() * 1e9;
  // Reservations far behind the kernel's time can go: a streamed transfer starts at most one digital-unit
  // pass before its initiator's time, much less than this horizon.
  constexpr double horizon_ns = 1e6;
  if (now_ns - m_released_ns > horizon_ns) {
    m_links.release_before(now_ns - horizon_ns);
    m_released_ns = now_ns;
  }
  const TransferResult r = m_links.transfer(t->src, t->dst, t->bits, start_ns, t->source_tail_ns);
  t->head_arrival_ns = r.head_arrival_ns;
  t->tail_arrival_ns = r.arrival_ns;
  delay = sc_core::sc_time(std::max(0.0, r.arrival_ns - now_ns), sc_core::SC_NS);
  if (m_record) m_transfers.push_back({t->src, t->dst, start_ns, r.arrival_ns});
  m_count += 1;
  m_bits += t->bits;
  m_bit_hops += r.bit_hops;
  m_energy += r.bit_hops * m_energy_per_bit_hop_pj;
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace imcsim::interconnect
