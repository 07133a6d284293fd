#include "firmware/impl/raster_placement.h"

namespace imcsim::firmware {

std::vector<int> RasterPlacement::walk(const GridRegion& region, int grid_x) const {
  std::vector<int> cores;
  cores.reserve(static_cast<std::size_t>(region.width * region.height));
  for (int r = 0; r < region.height; ++r) {
    for (int k = 0; k < region.width; ++k) cores.push_back((region.y0 + r) * grid_x + region.x0 + k);
  }
  return cores;
}

}  // namespace imcsim::firmware
