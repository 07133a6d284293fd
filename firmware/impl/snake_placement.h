#pragma once
// Snake placement: the region's rows in turn, even rows (counted from the region's first) left to right, odd
// rows right to left, so every step is to a grid neighbour.

#include "firmware/placement.h"

namespace imcsim::firmware {

class SnakePlacement final : public Placement {
 public:
  std::string name() const override { return "snake"; }
  std::vector<int> walk(const GridRegion& region, int grid_x) const override;
};

}  // namespace imcsim::firmware
