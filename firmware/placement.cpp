#include "firmware/placement.h"

#include <algorithm>

#include "base/errors.h"
#include "base/text.h"
#include "firmware/impl/raster_placement.h"
#include "firmware/impl/snake_placement.h"

namespace imcsim::firmware {

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names{"snake", "raster"};
  return names;
}

std::string placement_name(PlacementPolicy policy) { return placement_names()[static_cast<std::size_t>(policy)]; }

PlacementPolicy parse_placement(const std::string& name) {
  const auto& names = placement_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    throw ParameterError("compiler.placement", "'" + name + "' is not one of " + join_names(names));
  }
  return static_cast<PlacementPolicy>(it - names.begin());
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
