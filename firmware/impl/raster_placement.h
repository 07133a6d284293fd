#pragma once
// Raster placement: the region's rows in turn, each left to right (row-major order).

#include "firmware/placement.h"

namespace imcsim::firmware {

class RasterPlacement final : public Placement {
 public:
  std::string name() const override { return "raster"; }
  std::vector<int> walk(const GridRegion& region, int grid_x) const override;
};

}  // namespace imcsim::firmware
