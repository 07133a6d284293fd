#pragma once
// Shortest-path routing tables. For every (node, destination) the table holds the first port, in a given
// priority order, whose link leads one hop closer to the destination (distances by breadth-first search over
// the links). Every virtual channel is allowed.
//
// On the neighbour network the order is east, west, north_east, south_west, north, south: "x, then the
// diagonal, then y". A packet takes all its x hops, then its diagonal hops, then its y hops, each in one
// direction only (an x hop is on a shortest path only while |dx| exceeds what the diagonal covers, and a
// diagonal hop never makes an x hop useful again). x, diagonal and y act as three ordered dimensions of a
// dimension-order routing, each monotone in one coordinate (x, x + y, y), so the channel dependency graph is
// acyclic and wormhole switching cannot deadlock. Of the six orders of {x, diagonal, y}, x-diagonal-y and
// y-diagonal-x load the busiest link least under uniform traffic (8 x 8: 2.03 flits per cycle per unit of
// injection, as on the mesh; diagonal first: 2.41). For other topologies or orders the tables are shortest
// paths, but deadlock freedom is not implied.

#include <cstdint>
#include <vector>

#include "interconnect/routing.h"

namespace imcsim::interconnect {

class TableRouting final : public RoutingAlgorithm {
 public:
  /// `port_priority` lists network ports, most preferred first; ports not listed are never chosen.
  TableRouting(const NetworkTopology& topology, int virtual_channels, const std::vector<int>& port_priority);
  std::string name() const override { return "table"; }
  RouteChoice route(int node, int dst, int in_port, int in_vc) const override;

 private:
  int m_nodes;
  int m_virtual_channels;
  std::vector<std::uint8_t> m_port;  ///< [node * nodes + dst]
};

}  // namespace imcsim::interconnect
