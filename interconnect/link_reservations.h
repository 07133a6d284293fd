#pragma once
// The loosely timed network model: every transfer reserves the links of its route hop by hop (wormhole: a link
// carries one packet's flits at a time), so concurrent transfers that share a link queue behind each other and
// latency grows with load. Plain C++; the SystemC wrapper is interconnect/network.h.
//
// Per packet of F flits over hops l_1..l_h, with cycle c = 1 / clock:
//   the head waits router_latency_cycles at each router, then takes the earliest gap of F cycles on the link
//   at or after its arrival; it reaches the next router one cycle later; the tail arrives F - 1 cycles after
//   the head. Zero-load latency: h (router_latency_cycles + 1) c + (F - 1) c; the packets of one message
//   follow each other without a gap, so a message of F flits in all has the same zero-load latency.
// Reservations are kept as intervals per link, so a transfer simulated later but starting earlier still fits
// into an earlier gap: results depend little on the order in which initiators run (temporal decoupling).
//
// Contract: start times passed to transfer() never precede the watermark set by release_before().

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "interconnect/network_config.h"
#include "interconnect/routing.h"
#include "interconnect/topology.h"

namespace imcsim::interconnect {

struct TransferResult {
  double head_arrival_ns = 0;  ///< head of the first packet at the destination
  double arrival_ns = 0;       ///< tail of the last packet at the destination
  int hops = 0;
  std::int64_t flits = 0;
  double bit_hops = 0;  ///< bits x hops (energy)
};

class LinkReservations {
 public:
  explicit LinkReservations(const NetworkConfig& config);

  /// Moves `bits` from node src to node dst, ready at start_ns; src == dst costs nothing. A streamed source
  /// (source_tail_ns > start_ns) produces its data until source_tail_ns: flits cannot leave faster than that.
  TransferResult transfer(int src, int dst, double bits, double start_ns, double source_tail_ns = -1);
  /// Forgets reservations that end before t_ns (no later transfer can start before it).
  void release_before(double t_ns);
  double cycle_ns() const { return m_cycle_ns; }
  const NetworkTopology& topology() const { return *m_topology; }
  /// Flits carried by each link so far (index: topology().links()).
  const std::vector<std::int64_t>& link_flits() const { return m_link_flits; }
  /// With recording on, every booking is kept for timelines (link, start_ns, end_ns), in booking order.
  struct Booking {
    int link = 0;
    double start_ns = 0;
    double end_ns = 0;
  };
  void record_bookings(bool on) { m_record = on; }
  const std::vector<Booking>& bookings() const { return m_bookings; }

 private:
  /// Earliest start >= t at which `link` is free for `duration`; books it.
  double book(int link, double t, double duration);
  /// The route from src to dst, computed once per pair (routing is a function of the topology and the pair).
  const std::vector<RouteHop>& route(int src, int dst);

  /// One link's busy intervals still remembered: intervals[first..] as (start_ns, end_ns), sorted and disjoint
  /// (a flat vector: bookings mostly append, releases drop a prefix).
  struct Busy {
    std::vector<std::pair<double, double>> intervals;
    std::size_t first = 0;
  };

  NetworkConfig m_config;
  double m_cycle_ns;
  std::unique_ptr<NetworkTopology> m_topology;
  std::unique_ptr<RoutingAlgorithm> m_routing;
  std::vector<Busy> m_busy;                     ///< per link
  std::vector<std::vector<RouteHop>> m_routes;  ///< per (src, dst): the route, empty until first used
  std::vector<bool> m_routed;
  std::vector<std::int64_t> m_link_flits;
  bool m_record = false;
  std::vector<Booking> m_bookings;
};

}  // namespace imcsim::interconnect
