#include "interconnect/impl/torus_topology.h"

#include <algorithm>
#include <cstdlib>

#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {

TorusTopology::TorusTopology(int grid_x, int grid_y) : NetworkTopology(grid_x, grid_y, grid_ports::cardinal(), true) {}

int TorusTopology::hop_count(int src, int dst) const {
  const Coord s = coord(src);
  const Coord d = coord(dst);
  const int dx = std::abs(d.x - s.x);
  const int dy = std::abs(d.y - s.y);
  return std::min(dx, grid_x() - dx) + std::min(dy, grid_y() - dy);
}

}  // namespace imcsim::interconnect
