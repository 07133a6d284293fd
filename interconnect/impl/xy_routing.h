#pragma once
// Dimension-order (XY) routing for the mesh: first along x to the destination column, then along y. Deadlock
// free with any number of virtual channels (no turn from y back to x), so every virtual channel is allowed.

#include "interconnect/routing.h"

namespace imcsim::interconnect {

class XyRouting final : public RoutingAlgorithm {
 public:
  XyRouting(const NetworkTopology& topology, int virtual_channels);
  std::string name() const override { return "xy"; }
  RouteChoice route(int node, int dst, int in_port, int in_vc) const override;

 private:
  const NetworkTopology& m_topology;
  int m_virtual_channels;
};

}  // namespace imcsim::interconnect
