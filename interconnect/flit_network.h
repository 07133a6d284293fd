#pragma once
// Cycle-driven, flit-level model of a wormhole-switched network with virtual channels and credit-based flow
// control (the `at` model of the interconnect, and the engine of the synthetic traffic runs).
//
// Router (one per node): every input port (the local injection port and each network port) has one FIFO of
// buffer_flits flits per virtual channel. Each cycle a router
//   1. computes the route of every head flit at the front of an input VC (routing function of the topology);
//   2. allocates output virtual channels (per output port, a round-robin arbiter over the requesting input
//      VCs; a packet keeps its output VC from head to tail: wormhole);
//   3. allocates the switch (separable, input first: a round-robin arbiter per input port picks one of its
//      VCs with a flit ready and a credit downstream, then a round-robin arbiter per output port picks one
//      input port), so every input port and every output link carries at most one flit per cycle;
// and the winners leave. A flit that enters a router's input buffer at cycle a is ready to leave it at cycle
// a + router_latency_cycles - 1 at the earliest (the router pipeline), crosses the link in the next cycle
// and enters the next router's buffer one cycle after that: router_latency_cycles + 1 cycles per hop. Body
// flits follow their head one cycle apart when nothing blocks them. A credit returns to the upstream router
// one cycle after its flit left the buffer.
//
// Network interface (one per node): an unbounded source queue of packets; it sends the packets in order,
// one flit per cycle into the local input port, choosing for each packet a VC round-robin among those with
// credits. The ejection port accepts one flit per cycle and never blocks.
//
// Timing convention: cycle() is the cycle the next step() simulates. A packet injected before the step of
// cycle t with created_cycle = t starts its head flit into the router in cycle t. Its arrival_cycle is the
// cycle at whose start its tail has been received, so latency = arrival_cycle - created_cycle counts source
// queueing, every router and link, and the serialisation of the body.
//
// Deterministic: no randomness; routers are evaluated against the state at the start of the cycle (flits
// and credits sent in a cycle are only visible from the next), so the result does not depend on the order in
// which routers are visited. No heap allocation per flit in step() (packet records are recycled; only the
// source queues grow with the backlog).

#include <cstdint>
#include <memory>
#include <vector>

#include "interconnect/network_config.h"
#include "interconnect/routing.h"
#include "interconnect/topology.h"

namespace imcsim::interconnect {

struct Packet {
  int src = 0;
  int dst = 0;
  int flits = 1;                   ///< 1 .. max_packet_flits
  std::uint64_t id = 0;            ///< the caller's tag, returned on delivery
  std::int64_t created_cycle = 0;  ///< latency is measured from here; <= the network's cycle() at injection
};

struct DeliveredPacket {
  Packet packet;
  std::int64_t arrival_cycle = 0;  ///< the tail has been received at the start of this cycle
  int hops = 0;                    ///< links traversed
  std::int64_t latency_cycles() const { return arrival_cycle - packet.created_cycle; }
};

/// Latency of a packet of `flits` flits over `hops` links in an empty network:
///   (hops + 1) * (router_latency_cycles + 1) + flits
/// = 1 cycle into the source router + (hops + 1) router traversals of router_latency_cycles + hops link
///   cycles + 1 cycle out of the destination router + (flits - 1) cycles for the body behind the head.
/// Exact when buffer_flits >= router_latency_cycles + 2 (the credit round trip); with shallower buffers the
/// credit loop throttles a single packet and the latency is higher.
std::int64_t zero_load_latency_cycles(const NetworkConfig& config, int hops, int flits);

class FlitNetwork {
 public:
  /// Validates the config and builds the topology and its routing function.
  explicit FlitNetwork(const NetworkConfig& config);
  ~FlitNetwork();
  FlitNetwork(const FlitNetwork&) = delete;
  FlitNetwork& operator=(const FlitNetwork&) = delete;

  const NetworkConfig& config() const;
  const NetworkTopology& topology() const;
  const RoutingAlgorithm& routing() const;

  /// The cycle the next step() simulates (0 after construction).
  std::int64_t cycle() const;
  /// Appends the packet to its source's queue. Throws ParameterError ("packet.src", "packet.dst",
  /// "packet.flits", "packet.created_cycle") for nodes outside the network, sizes outside
  /// [1, max_packet_flits] or a creation cycle after cycle(). src == dst is allowed (0 hops).
  void inject(const Packet& packet);
  /// Simulates one network cycle.
  void step();
  /// Replaces the contents of `out` with the packets delivered since the last call, in the order of their
  /// arrival (and, within a cycle, of node and port). Swaps buffers, so a caller reusing `out` allocates
  /// nothing in steady state.
  void take_delivered(std::vector<DeliveredPacket>& out);

  std::int64_t packets_injected() const;
  /// Packets whose tail has arrival_cycle <= cycle() (also those not yet taken).
  std::int64_t packets_delivered() const;
  /// packets_injected() - packets_delivered(): queued at a source, in the network or leaving it.
  std::int64_t in_flight() const;
  /// Packets waiting in source queues with no flit sent yet.
  std::int64_t queued_packets() const;
  /// Flits that entered the source routers' local ports.
  std::int64_t flits_injected() const;
  /// Flits that left the destination routers' ejection ports.
  std::int64_t flits_ejected() const;
  /// Link traversals by flits, summed over links (= sum of link_flits()).
  std::int64_t flit_hops() const;
  /// Flits carried per link, indexed like topology().links().
  const std::vector<std::int64_t>& link_flits() const;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace imcsim::interconnect
