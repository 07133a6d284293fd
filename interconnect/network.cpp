#include "interconnect/network.h"

#include <algorithm>
#include <cmath>

#include "interconnect/packetisation.h"

namespace imcsim::interconnect {

namespace {
double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
}  // namespace

Network::Network(const sc_core::sc_module_name& name, const NetworkConfig& config,
                 const hw::TechnologyTable& technology, StatisticsRegistry& stats)
    : sc_module(name),
      socket("socket"),
      m_links(config),
      m_cycle_ns(1e3 / config.clock_mhz),
      m_energy_per_bit_hop_pj(technology.link_bit_energy_pj + technology.router_bit_energy_pj),
      m_count(stats.declare(std::string(this->name()) + ".transfers", "transfers between nodes", "count")),
      m_bits(stats.declare(std::string(this->name()) + ".bits", "bits moved", "bit")),
      m_bit_hops(stats.declare(std::string(this->name()) + ".bit_hops", "bits times hops", "bit")),
      m_energy(stats.declare(std::string(this->name()) + ".energy_network_pj", "links and routers", "pJ")) {
  socket.register_b_transport(this, &Network::b_transport);
  if (config.mode == NetworkMode::at) {
    m_flits = std::make_unique<FlitNetwork>(config);
    sc_core::sc_spawn([this]() { run_flits(); }, "flits");
  }
}

void Network::catch_up() {
  const auto target = static_cast<std::int64_t>(std::floor(now_ns() / m_cycle_ns + 1e-9));
  while (m_flits->cycle() < target) m_flits->step();
}

void Network::run_flits() {
  std::vector<DeliveredPacket>& delivered = m_delivered;
  for (;;) {
    if (m_flits->in_flight() == 0 && m_flits->queued_packets() == 0) sc_core::wait(m_injected);
    sc_core::wait(sc_core::sc_time(m_cycle_ns, sc_core::SC_NS));
    m_flits->step();
    m_flits->take_delivered(delivered);
    for (const DeliveredPacket& d : delivered) {
      Message& m = *m_messages.at(d.packet.id);
      const double arrival_ns = static_cast<double>(d.arrival_cycle) * m_cycle_ns;
      if (m.head_ns < 0) m.head_ns = arrival_ns - (d.packet.flits - 1) * m_cycle_ns;
      m.tail_ns = std::max(m.tail_ns, arrival_ns);
      m.bit_hops += static_cast<double>(d.packet.flits) * m_flits->config().link_width_bits * d.hops;
      if (--m.packets_left == 0) m.done.notify(sc_core::SC_ZERO_TIME);
    }
    delivered.clear();
  }
}

TransferResult Network::transfer_flits(const TransferExtension& t) {
  TransferResult r;
  r.head_arrival_ns = r.arrival_ns = now_ns();
  if (t.src == t.dst || t.bits <= 0) return r;
  catch_up();
  Message message;
  const std::uint64_t id = m_next_message++;
  m_messages[id] = &message;
  const std::vector<int> packets = packetise(static_cast<std::int64_t>(std::ceil(t.bits)), m_flits->config());
  message.packets_left = static_cast<int>(packets.size());
  for (const int flits : packets) m_flits->inject(Packet{t.src, t.dst, flits, id, m_flits->cycle()});
  m_injected.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(message.done);
  m_messages.erase(id);
  r.head_arrival_ns = message.head_ns;
  r.arrival_ns = message.tail_ns;
  r.bit_hops = message.bit_hops;
  return r;
}

void Network::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  auto* t = payload.get_extension<TransferExtension>();
  const int nodes = m_links.topology().nodes();
  if (t == nullptr || t->src < 0 || t->dst < 0 || t->src >= nodes || t->dst >= nodes || t->bits < 0) {
    payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  TransferResult r;
  double start_ns = 0;
  const std::size_t first_booking = m_links.bookings().size();
  if (m_flits) {
    // Approximately timed: move to the start time, then let the flit network carry the packets.
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    start_ns = now_ns();
    r = transfer_flits(*t);
  } else {
    const double now = now_ns();
    start_ns = t->start_ns >= 0 ? t->start_ns : now + delay.to_seconds() * 1e9;
    // Reservations far behind the kernel's time can go: a streamed transfer starts at most one digital-unit
    // pass before its initiator's time, much less than this horizon.
    constexpr double horizon_ns = 1e6;
    if (now - m_released_ns > horizon_ns) {
      m_links.release_before(now - horizon_ns);
      m_released_ns = now;
    }
    r = m_links.transfer(t->src, t->dst, t->bits, start_ns, t->source_tail_ns);
    delay = sc_core::sc_time(std::max(0.0, r.arrival_ns - now), sc_core::SC_NS);
  }
  t->head_arrival_ns = r.head_arrival_ns;
  t->tail_arrival_ns = r.arrival_ns;
  if (m_record) {
    m_transfers.push_back(
        {t->src, t->dst, start_ns, r.arrival_ns, first_booking, m_links.bookings().size() - first_booking});
  }
  m_count += 1;
  m_bits += t->bits;
  m_bit_hops += r.bit_hops;
  m_energy += r.bit_hops * m_energy_per_bit_hop_pj;
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace imcsim::interconnect
