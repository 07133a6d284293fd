#include "interconnect/flit_network.h"

#include <algorithm>
#include <cstddef>
#include <deque>

#include "base/errors.h"

namespace imcsim::interconnect {

namespace {

struct Flit {
  std::int64_t ready_cycle = 0;  ///< first cycle it may leave the buffer it is in
  std::int32_t packet = 0;       ///< slot in the packet table
  bool head = false;
  bool tail = false;
};

struct PacketRecord {
  Packet packet;
  int hops = 0;
  int next_flit = 0;  ///< next flit the network interface sends
};

constexpr int none = -1;

/// Bits of `mask` in circular order starting at bit `start`.
template <typename Visit>
void for_each_bit_from(std::uint64_t mask, int start, Visit&& visit) {
  const std::uint64_t low = start > 0 ? (std::uint64_t{1} << start) - 1 : 0;
  for (std::uint64_t part : {mask & ~low, mask & low}) {
    while (part != 0) {
      const int bit = __builtin_ctzll(part);
      if (!visit(bit)) return;
      part &= part - 1;
    }
  }
}

}  // namespace

std::int64_t zero_load_latency_cycles(const NetworkConfig& config, int hops, int flits) {
  return static_cast<std::int64_t>(hops + 1) * (config.router_latency_cycles + 1) + flits;
}

struct FlitNetwork::State {
  NetworkConfig config;
  std::unique_ptr<NetworkTopology> topology;
  std::unique_ptr<RoutingAlgorithm> routing;
  int nodes = 0;
  int ports = 0;
  int vcs = 0;
  int depth = 0;
  int router_latency = 1;
  std::int64_t now = 0;

  // Input virtual channels, index ivc = (node * ports + port) * vcs + vc.
  std::vector<Flit> buffer;  ///< [ivc * depth + slot], a ring per ivc
  std::vector<int> buffer_front;
  std::vector<int> buffer_size;
  std::vector<int> route_port;      ///< output port of the packet at the front, none until routed
  std::vector<int> route_vc_first;  ///< its allowed output VCs
  std::vector<int> route_vc_count;
  std::vector<int> out_vc;  ///< output VC held by the packet at the front, none until allocated

  // Output virtual channels, index ovc = (node * ports + port) * vcs + vc (the ejection port has none).
  std::vector<int> credits;
  std::vector<std::uint8_t> ovc_busy;

  // Wiring, index (node * ports + port).
  std::vector<int> upstream_ovc;     ///< input port -> first ovc of the upstream output port (none: local)
  std::vector<int> downstream_ivc;   ///< output port -> first ivc of the downstream input port
  std::vector<int> downstream_node;  ///< output port -> downstream node
  std::vector<int> link_of;          ///< output port -> link id

  // Round-robin arbiter positions, index (node * ports + port).
  std::vector<int> va_next;      ///< per output port, over input VCs (port * vcs + vc)
  std::vector<int> sa_in_next;   ///< per input port, over its VCs
  std::vector<int> sa_out_next;  ///< per output port, over input ports

  // Network interfaces.
  std::vector<std::deque<std::int32_t>> source_queue;
  std::vector<int> ni_packet;  ///< packet being sent, none when idle
  std::vector<int> ni_vc;
  std::vector<int> ni_credits;  ///< [node * vcs + vc]
  std::vector<int> ni_vc_next;

  std::vector<int> router_flits;  ///< flits buffered per router (routers holding none are skipped)
  std::vector<PacketRecord> packets;
  std::vector<std::int32_t> free_packets;
  std::vector<int> pending_credits;  ///< ovc index, or -(node * vcs + vc) - 1 for a network interface
  std::vector<DeliveredPacket> leaving;
  std::vector<DeliveredPacket> delivered;

  // Per-router scratch of the allocators.
  std::vector<std::uint64_t> va_requests;  ///< per output port, bit = port * vcs + vc
  std::vector<std::uint32_t> sa_requests;  ///< per output port, bit = input port
  std::vector<int> sa_choice;              ///< per input port, the VC it bids with

  std::int64_t injected = 0;
  std::int64_t delivered_count = 0;
  std::int64_t queued = 0;
  std::int64_t flits_in = 0;
  std::int64_t flits_out = 0;
  std::int64_t hops_total = 0;
  std::vector<std::int64_t> link_flits;

  explicit State(const NetworkConfig& c);
  std::size_t pidx(int node, int port) const {
    return static_cast<std::size_t>(node) * static_cast<std::size_t>(ports) + static_cast<std::size_t>(port);
  }
  int ivc_of(int node, int port, int vc) const { return (node * ports + port) * vcs + vc; }
  Flit& front(int ivc) {
    return buffer[static_cast<std::size_t>(ivc) * static_cast<std::size_t>(depth) +
                  static_cast<std::size_t>(buffer_front[static_cast<std::size_t>(ivc)])];
  }
  void push(int ivc, const Flit& flit);
  Flit pop(int ivc);
  void route_and_allocate_vcs(int node);
  void allocate_switch(int node);
  void move(int node, int in_port, int vc);
  void interface_send(int node);
};

FlitNetwork::State::State(const NetworkConfig& c) : config(c) {
  topology = make_topology(config);
  routing = make_routing(config, *topology);
  nodes = topology->nodes();
  ports = topology->ports();
  vcs = config.virtual_channels;
  depth = config.buffer_flits;
  router_latency = config.router_latency_cycles;
  if (ports * vcs > 64 || ports > 32) throw Error("flit network: too many ports x virtual channels per router");

  const std::size_t n_ivc = static_cast<std::size_t>(nodes) * static_cast<std::size_t>(ports * vcs);
  const std::size_t n_ports = static_cast<std::size_t>(nodes) * static_cast<std::size_t>(ports);
  buffer.resize(n_ivc * static_cast<std::size_t>(depth));
  buffer_front.assign(n_ivc, 0);
  buffer_size.assign(n_ivc, 0);
  route_port.assign(n_ivc, none);
  route_vc_first.assign(n_ivc, 0);
  route_vc_count.assign(n_ivc, 0);
  out_vc.assign(n_ivc, none);
  credits.assign(n_ivc, depth);
  ovc_busy.assign(n_ivc, 0);

  upstream_ovc.assign(n_ports, none);
  downstream_ivc.assign(n_ports, none);
  downstream_node.assign(n_ports, none);
  link_of.assign(n_ports, none);
  for (std::size_t id = 0; id < topology->links().size(); ++id) {
    const Link& l = topology->links()[id];
    downstream_ivc[pidx(l.src, l.src_port)] = ivc_of(l.dst, l.dst_port, 0);
    downstream_node[pidx(l.src, l.src_port)] = l.dst;
    link_of[pidx(l.src, l.src_port)] = static_cast<int>(id);
    upstream_ovc[pidx(l.dst, l.dst_port)] = ivc_of(l.src, l.src_port, 0);
  }
  va_next.assign(n_ports, 0);
  sa_in_next.assign(n_ports, 0);
  sa_out_next.assign(n_ports, 0);

  source_queue.resize(static_cast<std::size_t>(nodes));
  ni_packet.assign(static_cast<std::size_t>(nodes), none);
  ni_vc.assign(static_cast<std::size_t>(nodes), 0);
  ni_credits.assign(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(vcs), depth);
  ni_vc_next.assign(static_cast<std::size_t>(nodes), 0);

  router_flits.assign(static_cast<std::size_t>(nodes), 0);
  pending_credits.reserve(n_ports + static_cast<std::size_t>(nodes));
  leaving.reserve(2 * static_cast<std::size_t>(nodes));
  va_requests.assign(static_cast<std::size_t>(ports), 0);
  sa_requests.assign(static_cast<std::size_t>(ports), 0);
  sa_choice.assign(static_cast<std::size_t>(ports), none);
  link_flits.assign(topology->links().size(), 0);
}

void FlitNetwork::State::push(int ivc, const Flit& flit) {
  const auto i = static_cast<std::size_t>(ivc);
  const int slot = (buffer_front[i] + buffer_size[i]) % depth;
  buffer[i * static_cast<std::size_t>(depth) + static_cast<std::size_t>(slot)] = flit;
  ++buffer_size[i];
}

Flit FlitNetwork::State::pop(int ivc) {
  const auto i = static_cast<std::size_t>(ivc);
  const Flit flit = front(ivc);
  buffer_front[i] = (buffer_front[i] + 1) % depth;
  --buffer_size[i];
  return flit;
}

void FlitNetwork::State::route_and_allocate_vcs(int node) {
  std::fill(va_requests.begin(), va_requests.end(), 0);
  for (int p = 0; p < ports; ++p) {
    for (int v = 0; v < vcs; ++v) {
      const int ivc = ivc_of(node, p, v);
      const auto i = static_cast<std::size_t>(ivc);
      if (buffer_size[i] == 0 || out_vc[i] != none) continue;
      const Flit& f = front(ivc);
      if (f.ready_cycle > now) continue;
      if (route_port[i] == none) {
        const RouteChoice choice = routing->route(node, packets[static_cast<std::size_t>(f.packet)].packet.dst, p, v);
        route_port[i] = choice.port;
        route_vc_first[i] = choice.vc_first;
        route_vc_count[i] = choice.vc_count;
        if (choice.port == local_port) {
          out_vc[i] = 0;  // the ejection port never blocks: no VC to allocate
          continue;
        }
      }
      va_requests[static_cast<std::size_t>(route_port[i])] |= std::uint64_t{1} << (p * vcs + v);
    }
  }
  for (int o = 1; o < ports; ++o) {
    const std::uint64_t requests = va_requests[static_cast<std::size_t>(o)];
    if (requests == 0) continue;
    const int ovc_base = ivc_of(node, o, 0);
    int& next = va_next[pidx(node, o)];
    bool granted_any = false;
    for_each_bit_from(requests, next, [&](int bit) {
      const int ivc = ivc_of(node, 0, 0) + bit;
      const auto i = static_cast<std::size_t>(ivc);
      const int first = route_vc_first[i];
      const int last = first + route_vc_count[i];
      for (int w = first; w < last; ++w) {
        const int ovc = ovc_base + w;
        if (ovc_busy[static_cast<std::size_t>(ovc)] == 0) {
          ovc_busy[static_cast<std::size_t>(ovc)] = 1;
          out_vc[i] = w;
          if (!granted_any) next = (bit + 1) % (ports * vcs);
          granted_any = true;
          break;
        }
      }
      return true;
    });
  }
}

void FlitNetwork::State::allocate_switch(int node) {
  std::fill(sa_requests.begin(), sa_requests.end(), 0);
  for (int p = 0; p < ports; ++p) {
    sa_choice[static_cast<std::size_t>(p)] = none;
    const int start = sa_in_next[pidx(node, p)];
    for (int k = 0; k < vcs; ++k) {
      const int v = (start + k) % vcs;
      const int ivc = ivc_of(node, p, v);
      const auto i = static_cast<std::size_t>(ivc);
      if (buffer_size[i] == 0 || out_vc[i] == none || front(ivc).ready_cycle > now) continue;
      const int o = route_port[i];
      if (o != local_port && credits[static_cast<std::size_t>(ivc_of(node, o, out_vc[i]))] == 0) continue;
      sa_choice[static_cast<std::size_t>(p)] = v;
      sa_requests[static_cast<std::size_t>(o)] |= std::uint32_t{1} << p;
      break;
    }
  }
  for (int o = 0; o < ports; ++o) {
    const std::uint32_t requests = sa_requests[static_cast<std::size_t>(o)];
    if (requests == 0) continue;
    int& next = sa_out_next[pidx(node, o)];
    int winner = none;
    for_each_bit_from(requests, next, [&](int bit) {
      winner = bit;
      return false;
    });
    next = (winner + 1) % ports;
    const int v = sa_choice[static_cast<std::size_t>(winner)];
    sa_in_next[pidx(node, winner)] = (v + 1) % vcs;
    move(node, winner, v);
  }
}

void FlitNetwork::State::move(int node, int in_port, int vc) {
  const int ivc = ivc_of(node, in_port, vc);
  const auto i = static_cast<std::size_t>(ivc);
  Flit flit = pop(ivc);
  --router_flits[static_cast<std::size_t>(node)];
  const int up = upstream_ovc[pidx(node, in_port)];
  pending_credits.push_back(up == none ? -(node * vcs + vc) - 1 : up + vc);

  const int o = route_port[i];
  PacketRecord& record = packets[static_cast<std::size_t>(flit.packet)];
  if (o == local_port) {
    ++flits_out;
    if (flit.tail) {
      leaving.push_back({record.packet, now + 2, record.hops});
      free_packets.push_back(flit.packet);
    }
  } else {
    const int w = out_vc[i];
    const std::size_t out = pidx(node, o);
    --credits[static_cast<std::size_t>(ivc_of(node, o, w))];
    ++link_flits[static_cast<std::size_t>(link_of[out])];
    ++hops_total;
    if (flit.head) ++record.hops;
    if (flit.tail) ovc_busy[static_cast<std::size_t>(ivc_of(node, o, w))] = 0;
    flit.ready_cycle = now + 1 + router_latency;
    push(downstream_ivc[out] + w, flit);
    ++router_flits[static_cast<std::size_t>(downstream_node[out])];
  }
  if (flit.tail) {
    route_port[i] = none;
    out_vc[i] = none;
  }
}

void FlitNetwork::State::interface_send(int node) {
  const auto n = static_cast<std::size_t>(node);
  if (ni_packet[n] == none) {
    if (source_queue[n].empty()) return;
    int chosen = none;
    for (int k = 0; k < vcs && chosen == none; ++k) {
      const int v = (ni_vc_next[n] + k) % vcs;
      if (ni_credits[n * static_cast<std::size_t>(vcs) + static_cast<std::size_t>(v)] > 0) chosen = v;
    }
    if (chosen == none) return;
    ni_packet[n] = source_queue[n].front();
    source_queue[n].pop_front();
    --queued;
    ni_vc[n] = chosen;
    ni_vc_next[n] = (chosen + 1) % vcs;
  }
  const int v = ni_vc[n];
  int& credit = ni_credits[n * static_cast<std::size_t>(vcs) + static_cast<std::size_t>(v)];
  if (credit == 0) return;
  PacketRecord& record = packets[static_cast<std::size_t>(ni_packet[n])];
  Flit flit;
  flit.packet = ni_packet[n];
  flit.head = record.next_flit == 0;
  flit.tail = record.next_flit == record.packet.flits - 1;
  flit.ready_cycle = now + router_latency;
  push(ivc_of(node, local_port, v), flit);
  --credit;
  ++router_flits[n];
  ++flits_in;
  ++record.next_flit;
  if (flit.tail) ni_packet[n] = none;
}

FlitNetwork::FlitNetwork(const NetworkConfig& config) : m_state(std::make_unique<State>(config)) {}

FlitNetwork::~FlitNetwork() = default;

const NetworkConfig& FlitNetwork::config() const { return m_state->config; }
const NetworkTopology& FlitNetwork::topology() const { return *m_state->topology; }
const RoutingAlgorithm& FlitNetwork::routing() const { return *m_state->routing; }
std::int64_t FlitNetwork::cycle() const { return m_state->now; }

void FlitNetwork::inject(const Packet& packet) {
  State& s = *m_state;
  if (packet.src < 0 || packet.src >= s.nodes) {
    throw ParameterError("packet.src", "node " + std::to_string(packet.src) + " is not in the network of " +
                                           std::to_string(s.nodes) + " nodes");
  }
  if (packet.dst < 0 || packet.dst >= s.nodes) {
    throw ParameterError("packet.dst", "node " + std::to_string(packet.dst) + " is not in the network of " +
                                           std::to_string(s.nodes) + " nodes");
  }
  if (packet.flits < 1 || packet.flits > s.config.max_packet_flits) {
    throw ParameterError("packet.flits", std::to_string(packet.flits) + " flits is outside [1, " +
                                             std::to_string(s.config.max_packet_flits) + "]");
  }
  if (packet.created_cycle > s.now) {
    throw ParameterError("packet.created_cycle", "cycle " + std::to_string(packet.created_cycle) +
                                                     " is after the network's cycle " + std::to_string(s.now));
  }
  std::int32_t slot = 0;
  if (!s.free_packets.empty()) {
    slot = s.free_packets.back();
    s.free_packets.pop_back();
    s.packets[static_cast<std::size_t>(slot)] = {packet, 0, 0};
  } else {
    slot = static_cast<std::int32_t>(s.packets.size());
    s.packets.push_back({packet, 0, 0});
  }
  s.source_queue[static_cast<std::size_t>(packet.src)].push_back(slot);
  ++s.queued;
  ++s.injected;
}

void FlitNetwork::step() {
  State& s = *m_state;
  for (int node = 0; node < s.nodes; ++node) {
    if (s.router_flits[static_cast<std::size_t>(node)] > 0) {
      s.route_and_allocate_vcs(node);
      s.allocate_switch(node);
    }
    s.interface_send(node);
  }
  for (const int c : s.pending_credits) {
    if (c >= 0) {
      ++s.credits[static_cast<std::size_t>(c)];
    } else {
      ++s.ni_credits[static_cast<std::size_t>(-c - 1)];
    }
  }
  s.pending_credits.clear();
  ++s.now;
  // Packets whose tail arrives by the start of the new cycle are delivered. `leaving` is in the order the
  // tails left, which is also the order of their arrival cycles.
  const auto arrived = std::find_if(s.leaving.begin(), s.leaving.end(),
                                    [&](const DeliveredPacket& d) { return d.arrival_cycle > s.now; });
  s.delivered.insert(s.delivered.end(), s.leaving.begin(), arrived);
  s.delivered_count += arrived - s.leaving.begin();
  s.leaving.erase(s.leaving.begin(), arrived);
}

void FlitNetwork::take_delivered(std::vector<DeliveredPacket>& out) {
  out.clear();
  out.swap(m_state->delivered);
}

std::int64_t FlitNetwork::packets_injected() const { return m_state->injected; }
std::int64_t FlitNetwork::packets_delivered() const { return m_state->delivered_count; }
std::int64_t FlitNetwork::in_flight() const { return m_state->injected - m_state->delivered_count; }
std::int64_t FlitNetwork::queued_packets() const { return m_state->queued; }
std::int64_t FlitNetwork::flits_injected() const { return m_state->flits_in; }
std::int64_t FlitNetwork::flits_ejected() const { return m_state->flits_out; }
std::int64_t FlitNetwork::flit_hops() const { return m_state->hops_total; }
const std::vector<std::int64_t>& FlitNetwork::link_flits() const { return m_state->link_flits; }

}  // namespace imcsim::interconnect
