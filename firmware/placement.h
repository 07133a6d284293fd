#pragma once
// Placement: the order in which the compiler takes the cores of a region of the core grid, as a named policy
// (like the network's topologies and routing, interconnect/topology.h, and the device models). The mapper
// (firmware/model_mapping.h) walks the whole grid as one region and gives each accumulation chain consecutive cores
// of the walk, so a policy whose successive cores are grid neighbours keeps every link of a chain to one hop.
//
// Contract: walk(region, grid_x) returns every core of the region exactly once, in the order the compiler takes
// them (core = y * grid_x + x); it depends only on its arguments, and a policy is immutable and safe to share
// between threads.
//
// Policies (firmware/impl/): `snake`, the default: rows alternate direction, every step is to a grid neighbour;
// `raster`: row-major, every row left to right (the step from a row's end to the next row's start is not to a
// neighbour unless the region is one core wide).

#include <memory>
#include <string>
#include <vector>

#include "base/name_table.h"

namespace imcsim::firmware {

/// A rectangle of the core grid: x0 .. x0 + width - 1 by y0 .. y0 + height - 1.
struct GridRegion {
  int x0 = 0;
  int y0 = 0;
  int width = 0;
  int height = 0;
};

class Placement {
 public:
  virtual ~Placement() = default;
  virtual std::string name() const = 0;
  virtual std::vector<int> walk(const GridRegion& region, int grid_x) const = 0;
};

enum class PlacementPolicy { snake, raster };
/// snake, raster: the one name table of the policies (the config key compiler.placement, docs, messages).
const NameTable<PlacementPolicy>& placement_names();
std::unique_ptr<Placement> make_placement(PlacementPolicy policy);

}  // namespace imcsim::firmware
