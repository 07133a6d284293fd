#pragma once
// Mapping a whole model onto the chip (plain C++): every weight layer (workloads/weight_layers.h) is tiled over
// cores of rows x cols cells, layers may be replicated over spare cores, and the cores are placed on the grid.
//
// Tiling (as on HERMES): the fewest tiles of equal size per layer, ceil(rows / core rows) row tiles by
// ceil(cols / core cols) column tiles; the row tiles of a column tile form an accumulation chain.
// Replication: `none`; `balance`, which gives the layer with the most MVMs per core per inference (the pipeline's
// bottleneck) another full copy while spare cores allow; `fill`, which goes on with the next-heaviest layers
// until no further copy fits. Replica r serves the MVMs (output pixels, time steps) with index % replicas == r.
// Placement: cores are taken along a snake through the grid (rows alternate direction), layer after layer, so
// consecutive layers and the cores of one chain are neighbours.
//
// Contract: a model that needs more cores than the chip has is a ParameterError("model") saying how many cores
// it needs, layer by layer.

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/layer_compiler.h"

namespace imcsim::firmware {

enum class Replication { none, balance, fill };
/// Parses "none" | "balance" | "fill"; throws ParameterError("compiler.replication").
Replication parse_replication(const std::string& name);
std::string replication_name(Replication r);

struct LayerShape {
  std::string name;
  int rows = 0;  ///< inputs
  int cols = 0;  ///< outputs
  std::int64_t mvms_per_inference = 1;
};

struct ChipGeometry {
  int core_rows = 256;
  int core_cols = 256;
  int grid_x = 8;
  int grid_y = 8;
  int cores() const { return grid_x * grid_y; }
};

struct LayerPlacement {
  LayerShape shape;
  int row_tiles = 0;
  int col_tiles = 0;
  int replicas = 1;
  std::vector<Tile> tiles;  ///< replica-major, then column tile, then row tile (chain order)
  int tiles_per_replica() const { return row_tiles * col_tiles; }
  /// The tile of (replica, column tile, row tile).
  const Tile& tile(int replica, int col_tile, int row_tile) const {
    return tiles[static_cast<std::size_t>((replica * col_tiles + col_tile) * row_tiles + row_tile)];
  }
  /// Weights held / cells of the cores used.
  double cell_utilisation(const ChipGeometry& chip) const;
};

struct ModelMapping {
  ChipGeometry chip;
  Replication replication = Replication::none;
  std::vector<LayerPlacement> layers;
  int cores_used() const;
};

ModelMapping map_model(const std::vector<LayerShape>& layers, const ChipGeometry& chip, Replication replication);

}  // namespace imcsim::firmware
