#include "firmware/impl/snake_placement.h"

namespace imcsim::firmware {

std::vector<int> SnakePlacement::walk(const GridRegion& region, int grid_x) const {
  std::vector<int> cores;
  cores.reserve(static_cast<std::size_t>(region.width * region.height));
  for (int r = 0; r < region.height; ++r) {
    for (int k = 0; k < region.width; ++k) {
      const int x = r % 2 == 0 ? region.x0 + k : region.x0 + region.width - 1 - k;
      cores.push_back((region.y0 + r) * grid_x + x);
    }
  }
  return cores;
}

}  // namespace imcsim::firmware
