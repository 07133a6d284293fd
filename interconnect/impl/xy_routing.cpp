#include "interconnect/impl/xy_routing.h"

#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {

XyRouting::XyRouting(const NetworkTopology& topology, int virtual_channels)
    : m_topology(topology), m_virtual_channels(virtual_channels) {}

RouteChoice XyRouting::route(int node, int dst, int /*in_port*/, int /*in_vc*/) const {
  const Coord c = m_topology.coord(node);
  const Coord d = m_topology.coord(dst);
  int port = local_port;
  if (d.x > c.x) {
    port = grid_ports::east;
  } else if (d.x < c.x) {
    port = grid_ports::west;
  } else if (d.y > c.y) {
    port = grid_ports::north;
  } else if (d.y < c.y) {
    port = grid_ports::south;
  }
  return {port, 0, m_virtual_channels};
}

}  // namespace imcsim::interconnect
