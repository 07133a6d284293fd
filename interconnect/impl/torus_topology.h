#pragma once
// 2-D torus: the mesh plus wrap-around links joining the ends of every row and column (rings). A dimension of
// 2 nodes or fewer has no wrap-around link (it would duplicate the direct link).

#include "interconnect/topology.h"

namespace imcsim::interconnect {

class TorusTopology final : public NetworkTopology {
 public:
  TorusTopology(int grid_x, int grid_y);
  std::string name() const override { return "torus"; }
  /// Sum over x and y of min(d, size - d), d the distance along the row or column.
  int hop_count(int src, int dst) const override;
};

}  // namespace imcsim::interconnect
