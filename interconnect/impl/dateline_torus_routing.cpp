#include "interconnect/impl/dateline_torus_routing.h"

#include "base/errors.h"
#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {

namespace {

/// Direction (+1 or -1) of the shorter way from `from` to `to` != from on a ring of `size` nodes; a tie
/// goes the way `tie` says. Rings of 2 nodes or fewer have no wrap-around link and are routed as a line.
int ring_direction(int from, int to, int size, int tie) {
  if (size <= 2) return to > from ? 1 : -1;
  const int forward = (to - from + size) % size;
  if (2 * forward == size) return tie;
  return 2 * forward < size ? 1 : -1;
}

bool is_x_port(int port) { return port == grid_ports::east || port == grid_ports::west; }
bool is_y_port(int port) { return port == grid_ports::north || port == grid_ports::south; }

}  // namespace

DatelineTorusRouting::DatelineTorusRouting(const NetworkTopology& topology, int virtual_channels)
    : m_topology(topology), m_virtual_channels(virtual_channels), m_high_first(virtual_channels / 2) {
  if (virtual_channels < 2) {
    throw ParameterError("interconnect.virtual_channels", "torus dateline routing needs at least 2 virtual channels");
  }
}

RouteChoice DatelineTorusRouting::route(int node, int dst, int in_port, int in_vc) const {
  const Coord c = m_topology.coord(node);
  const Coord d = m_topology.coord(dst);
  const int tie = (c.x + c.y) % 2 == 0 ? 1 : -1;
  int port = local_port;
  bool crosses = false;  // the rest of the way in this dimension includes the wrap-around link
  if (c.x != d.x) {
    const int step = ring_direction(c.x, d.x, m_topology.grid_x(), tie);
    port = step > 0 ? grid_ports::east : grid_ports::west;
    crosses = m_topology.grid_x() > 2 && (step > 0 ? d.x < c.x : d.x > c.x);
  } else if (c.y != d.y) {
    const int step = ring_direction(c.y, d.y, m_topology.grid_y(), tie);
    port = step > 0 ? grid_ports::north : grid_ports::south;
    crosses = m_topology.grid_y() > 2 && (step > 0 ? d.y < c.y : d.y > c.y);
  } else {
    return {local_port, 0, m_virtual_channels};
  }
  const RouteChoice low{port, 0, m_high_first};
  const RouteChoice high{port, m_high_first, m_virtual_channels - m_high_first};
  const bool wraps = m_topology.links()[static_cast<std::size_t>(m_topology.link_id(node, port))].wraps;
  if (wraps) return high;
  const bool same_dimension = (is_x_port(port) && is_x_port(in_port)) || (is_y_port(port) && is_y_port(in_port));
  if (same_dimension) return in_vc >= m_high_first ? high : low;
  if (crosses) return low;
  return {port, 0, m_virtual_channels};
}

}  // namespace imcsim::interconnect
