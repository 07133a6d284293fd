#include "firmware/placement.h"

#include "base/errors.h"
#include "firmware/impl/raster_placement.h"
#include "firmware/impl/snake_placement.h"

namespace imcsim::firmware {

const NameTable<PlacementPolicy>& placement_names() {
  static const NameTable<PlacementPolicy> table{{PlacementPolicy::snake, "snake"}, {PlacementPolicy::raster, "raster"}};
  return table;
}

std::unique_ptr<Placement> make_placement(PlacementPolicy policy) {
  switch (policy) {
    case PlacementPolicy::snake:
      return std::make_unique<SnakePlacement>();
    case PlacementPolicy::raster:
      return std::make_unique<RasterPlacement>();
  }
  throw ParameterError("compiler.placement", "invalid placement value");
}

}  // namespace imcsim::firmware
