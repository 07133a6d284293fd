#include "interconnect/impl/neighbour_topology.h"

#include <algorithm>
#include <cstdlib>

#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {

NeighbourTopology::NeighbourTopology(int grid_x, int grid_y)
    : NetworkTopology(grid_x, grid_y, grid_ports::cardinal_and_diagonal(), false) {}

int NeighbourTopology::hop_count(int src, int dst) const {
  const Coord s = coord(src);
  const Coord d = coord(dst);
  const int dx = d.x - s.x;
  const int dy = d.y - s.y;
  if ((dx >= 0) == (dy >= 0)) return std::max(std::abs(dx), std::abs(dy));
  return std::abs(dx) + std::abs(dy);
}

}  // namespace imcsim::interconnect
