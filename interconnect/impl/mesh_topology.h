#pragma once
// 2-D mesh: each node linked to its east, west, north and south neighbours inside the grid.

#include "interconnect/topology.h"

namespace imcsim::interconnect {

class MeshTopology final : public NetworkTopology {
 public:
  MeshTopology(int grid_x, int grid_y);
  std::string name() const override { return "mesh"; }
  /// Manhattan distance |dx| + |dy|.
  int hop_count(int src, int dst) const override;
};

}  // namespace imcsim::interconnect
