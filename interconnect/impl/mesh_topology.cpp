#include "interconnect/impl/mesh_topology.h"

#include <cstdlib>

#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {

MeshTopology::MeshTopology(int grid_x, int grid_y) : NetworkTopology(grid_x, grid_y, grid_ports::cardinal(), false) {}

int MeshTopology::hop_count(int src, int dst) const {
  const Coord s = coord(src);
  const Coord d = coord(dst);
  return std::abs(d.x - s.x) + std::abs(d.y - s.y);
}

}  // namespace imcsim::interconnect
