#pragma once
// Dimension-order routing for the torus: x first, then y, each the shorter way round the ring. A tie (the
// destination exactly half way round) is broken by the parity of the current node's coordinates, so that
// half the sources go each way and neither direction carries more load.
//
// Deadlock freedom by datelines. The virtual channels are split into a low class [0, V/2) and a high class
// [V/2, V); a packet keeps its class while it travels in one dimension, except that it moves to the high
// class on the wrap-around link (the dateline). On entering a dimension, a packet whose way round crosses the
// dateline starts in the low class (or the high class if its first hop is the wrap-around link itself); a
// packet that does not cross it may start in either class. Within a ring, no low-class channel depends on
// the wrap-around link's (the wrap-around link is only taken in the high class), and no packet in the high
// class reaches the wrap-around link (it either crossed already or never crosses), so neither class has a
// cyclic dependency; packets only ever move from the low to the high class, and from x to y. The channel
// dependency graph is therefore acyclic. Needs V >= 2.

#include "interconnect/routing.h"

namespace imcsim::interconnect {

class DatelineTorusRouting final : public RoutingAlgorithm {
 public:
  DatelineTorusRouting(const NetworkTopology& topology, int virtual_channels);
  std::string name() const override { return "xy-dateline"; }
  RouteChoice route(int node, int dst, int in_port, int in_vc) const override;

 private:
  const NetworkTopology& m_topology;
  int m_virtual_channels;
  int m_high_first;  ///< first virtual channel of the high class
};

}  // namespace imcsim::interconnect
