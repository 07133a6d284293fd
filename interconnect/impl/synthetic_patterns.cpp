#include "interconnect/impl/synthetic_patterns.h"

#include <cmath>

namespace imcsim::interconnect {

int pick_index(float u, int n) {
  const int i = static_cast<int>(std::ceil(static_cast<double>(u) * n)) - 1;
  return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

int UniformTraffic::destination(int src, float /*u_select*/, float u_node) const {
  const int k = pick_index(u_node, m_nodes - 1);
  return k >= src ? k + 1 : k;
}

bool TransposeTraffic::sends(int src) const {
  const Coord c = m_topology.coord(src);
  return c.x != c.y;
}

int TransposeTraffic::destination(int src, float /*u_select*/, float /*u_node*/) const {
  const Coord c = m_topology.coord(src);
  return m_topology.node_at(c.y, c.x);
}

HotspotTraffic::HotspotTraffic(const NetworkTopology& topology, double fraction)
    : m_uniform(topology),
      m_hotspot(topology.node_at(topology.grid_x() / 2, topology.grid_y() / 2)),
      m_fraction(fraction) {}

int HotspotTraffic::destination(int src, float u_select, float u_node) const {
  if (src != m_hotspot && static_cast<double>(u_select) <= m_fraction) return m_hotspot;
  return m_uniform.destination(src, u_select, u_node);
}

NeighbourTraffic::NeighbourTraffic(const NetworkTopology& topology)
    : m_neighbours(static_cast<std::size_t>(topology.nodes())) {
  for (int n = 0; n < topology.nodes(); ++n) {
    for (int p = 1; p < topology.ports(); ++p) {
      const int m = topology.neighbour(n, p);
      if (m >= 0) m_neighbours[static_cast<std::size_t>(n)].push_back(m);
    }
  }
}

bool NeighbourTraffic::sends(int src) const { return !m_neighbours[static_cast<std::size_t>(src)].empty(); }

int NeighbourTraffic::destination(int src, float /*u_select*/, float u_node) const {
  const auto& candidates = m_neighbours[static_cast<std::size_t>(src)];
  return candidates[static_cast<std::size_t>(pick_index(u_node, static_cast<int>(candidates.size())))];
}

}  // namespace imcsim::interconnect
