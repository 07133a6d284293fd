#pragma once
// The HERMES-like neighbour network: the mesh plus one diagonal (north-east / south-west) per node, so an
// interior node has 6 neighbours. This is a triangular lattice (hexagonal neighbourhoods), the planar graph in
// which every interior node has exactly 6 neighbours. It stands in for the 64-core chip's network, whose
// published description gives only "up to 6 neighbours per core" (the chip's prism-like arrangement of
// links is not specified in enough detail to model it link for link).

#include "interconnect/topology.h"

namespace imcsim::interconnect {

class NeighbourTopology final : public NetworkTopology {
 public:
  NeighbourTopology(int grid_x, int grid_y);
  std::string name() const override { return "neighbour"; }
  /// Triangular-lattice distance: max(|dx|, |dy|) when dx and dy have the same sign (diagonal steps cover
  /// both), |dx| + |dy| otherwise.
  int hop_count(int src, int dst) const override;
};

}  // namespace imcsim::interconnect
