#include "interconnect/impl/table_routing.h"

#include <cstddef>

#include "base/errors.h"

namespace imcsim::interconnect {

TableRouting::TableRouting(const NetworkTopology& topology, int virtual_channels, const std::vector<int>& port_priority)
    : m_nodes(topology.nodes()),
      m_virtual_channels(virtual_channels),
      m_port(static_cast<std::size_t>(m_nodes) * static_cast<std::size_t>(m_nodes), local_port) {
  const auto n_count = static_cast<std::size_t>(m_nodes);
  std::vector<int> distance(n_count);
  std::vector<int> frontier;
  std::vector<int> next;
  for (int dst = 0; dst < m_nodes; ++dst) {
    // Links are symmetric, so a search from dst gives every node's distance to dst.
    distance.assign(n_count, -1);
    distance[static_cast<std::size_t>(dst)] = 0;
    frontier.assign(1, dst);
    while (!frontier.empty()) {
      next.clear();
      for (const int n : frontier) {
        for (int p = 1; p < topology.ports(); ++p) {
          const int m = topology.neighbour(n, p);
          if (m >= 0 && distance[static_cast<std::size_t>(m)] < 0) {
            distance[static_cast<std::size_t>(m)] = distance[static_cast<std::size_t>(n)] + 1;
            next.push_back(m);
          }
        }
      }
      frontier.swap(next);
    }
    for (int node = 0; node < m_nodes; ++node) {
      if (node == dst) continue;
      const int here = distance[static_cast<std::size_t>(node)];
      if (here < 0) throw Error("table routing: node " + std::to_string(dst) + " is unreachable");
      int chosen = -1;
      for (const int p : port_priority) {
        const int m = topology.neighbour(node, p);
        if (m >= 0 && distance[static_cast<std::size_t>(m)] == here - 1) {
          chosen = p;
          break;
        }
      }
      if (chosen < 0) throw Error("table routing: the port priority list misses a shortest-path port");
      m_port[static_cast<std::size_t>(node) * n_count + static_cast<std::size_t>(dst)] =
          static_cast<std::uint8_t>(chosen);
    }
  }
}

RouteChoice TableRouting::route(int node, int dst, int /*in_port*/, int /*in_vc*/) const {
  const auto port =
      m_port[static_cast<std::size_t>(node) * static_cast<std::size_t>(m_nodes) + static_cast<std::size_t>(dst)];
  return {static_cast<int>(port), 0, m_virtual_channels};
}

}  // namespace imcsim::interconnect
