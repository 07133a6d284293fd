#pragma once
// Routing functions: the output port and the virtual channels a packet may use at each router.
//
// Contract of RoutingAlgorithm::route(node, dst, in_port, in_vc):
// - returns local_port exactly when node == dst;
// - otherwise a network port of `node` that has a link, on a shortest path: following route() from any
//   source reaches dst in topology.hop_count(src, dst) hops;
// - the allowed virtual channels [vc_first, vc_first + vc_count) are a non-empty subrange of
//   [0, virtual_channels); in_port/in_vc are where the packet entered `node` (local_port for a packet just
//   injected, any in_vc); a routing function may restrict the range by them (the torus dateline does);
// - it is a pure function: the same arguments always give the same choice, and the channel dependency graph
//   it induces is acyclic, so wormhole switching cannot deadlock.
// A routing function keeps a reference to its topology, which must outlive it.

#include <memory>
#include <string>
#include <vector>

#include "interconnect/network_config.h"
#include "interconnect/topology.h"

namespace imcsim::interconnect {

struct RouteChoice {
  int port = local_port;
  int vc_first = 0;
  int vc_count = 1;
};

class RoutingAlgorithm {
 public:
  virtual ~RoutingAlgorithm() = default;
  virtual std::string name() const = 0;
  virtual RouteChoice route(int node, int dst, int in_port, int in_vc) const = 0;
};

/// The routing function of the configured topology: mesh -> "xy" (dimension order), torus -> "xy-dateline"
/// (dimension order on the shorter way round, dateline virtual channels), neighbour -> "table" (shortest-path
/// tables in direction order x, diagonal, y). `topology` must be the one built from `config` and outlive the
/// result. Validates the config first.
std::unique_ptr<RoutingAlgorithm> make_routing(const NetworkConfig& config, const NetworkTopology& topology);

/// One hop of a routed path: the link taken and the virtual channel used on it.
struct RouteHop {
  int link = 0;
  int vc = 0;
};

/// Follows `routing` from src to dst, always taking the lowest allowed virtual channel, and returns the hops.
/// Throws Error if the route leaves the network or does not arrive within nodes() hops.
std::vector<RouteHop> trace_route(const NetworkTopology& topology, const RoutingAlgorithm& routing, int src, int dst);

}  // namespace imcsim::interconnect
