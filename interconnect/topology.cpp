#include "interconnect/topology.h"

#include "base/errors.h"
#include "interconnect/impl/mesh_topology.h"
#include "interconnect/impl/neighbour_topology.h"
#include "interconnect/impl/torus_topology.h"

namespace imcsim::interconnect {

NetworkTopology::NetworkTopology(int grid_x, int grid_y, const std::vector<PortSpec>& network_ports, bool wrap)
    : m_grid_x(grid_x), m_grid_y(grid_y) {
  m_ports.push_back({"local", 0, 0});
  m_ports.insert(m_ports.end(), network_ports.begin(), network_ports.end());
  const int port_count = ports();
  m_opposite.assign(m_ports.size(), local_port);
  for (int p = 1; p < port_count; ++p) {
    int found = -1;
    for (int q = 1; q < port_count; ++q) {
      if (port(q).dx == -port(p).dx && port(q).dy == -port(p).dy) found = q;
    }
    if (found < 0) throw Error("topology port '" + port(p).name + "' has no opposite port");
    m_opposite[static_cast<std::size_t>(p)] = found;
  }

  const auto wrap_coordinate = [wrap](int v, int size, bool& wrapped) {
    wrapped = false;
    if (v >= 0 && v < size) return v;
    if (!wrap || size <= 2) return -1;
    wrapped = true;
    return (v + size) % size;
  };
  m_neighbour.assign(static_cast<std::size_t>(nodes()) * m_ports.size(), -1);
  m_link_id.assign(m_neighbour.size(), -1);
  for (int n = 0; n < nodes(); ++n) {
    const Coord c = coord(n);
    for (int p = 1; p < port_count; ++p) {
      bool wrapped_x = false;
      bool wrapped_y = false;
      const int x = wrap_coordinate(c.x + port(p).dx, grid_x, wrapped_x);
      const int y = wrap_coordinate(c.y + port(p).dy, grid_y, wrapped_y);
      if (x < 0 || y < 0) continue;
      const int to = node_at(x, y);
      m_neighbour[index(n, p)] = to;
      m_link_id[index(n, p)] = static_cast<int>(m_links.size());
      m_links.push_back({n, p, to, opposite(p), wrapped_x || wrapped_y});
    }
  }
}

int NetworkTopology::degree(int node) const {
  int d = 0;
  for (int p = 1; p < ports(); ++p) d += neighbour(node, p) >= 0 ? 1 : 0;
  return d;
}

std::unique_ptr<NetworkTopology> make_topology(const NetworkConfig& config) {
  validate(config);
  switch (config.topology) {
    case Topology::mesh:
      return std::make_unique<MeshTopology>(config.grid_x, config.grid_y);
    case Topology::torus:
      return std::make_unique<TorusTopology>(config.grid_x, config.grid_y);
    case Topology::neighbour:
      return std::make_unique<NeighbourTopology>(config.grid_x, config.grid_y);
  }
  throw ParameterError("interconnect.topology", "invalid topology value");
}

}  // namespace imcsim::interconnect
