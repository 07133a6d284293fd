#pragma once
// Mapping layers onto the chip (plain C++), the one tiler and placer of the compiler: every weight layer
// (workloads/weight_layers.h) is tiled over cores of rows x cols cells, layers may be replicated over spare cores,
// and the tiles are placed on the grid. `imcsim run` and `imcsim compile` map a whole model with it (map_model, on
// the shapes with time estimates of chip::estimated_layer_shapes), `imcsim layer` a one-layer model.
//
// Tiling (as on HERMES): the fewest tiles of equal size per layer, ceil(rows / core rows) row tiles by
// ceil(cols / core cols) column tiles (tile widths rounded up to whole column groups); the row tiles of a column
// tile form an accumulation chain.
// Replication: `none`; `balance`, which gives the heaviest layer, the one whose replica takes the longest per
// inference (the pipeline's bottleneck: LayerPlacement::replica_load, from the shape's time estimates), another
// full copy while spare cores allow, and stops when the heaviest does not fit or when another copy would not
// lower its load (each replica already serves at most one MVM step); `fill`, which goes on with the next-heaviest
// layers that fit until no further copy does. A Conv's replicas serve blocks of consecutive output pixels, other
// layers' replicas the steps (time steps, vectors) with index % replicas == r (firmware/model_compiler.h), so a
// replica's load is its layer's time per step x the steps it serves per inference
// (LayerPlacement::steps_per_replica: steps / replicas; for chained steps, a recurrent layer's, the span from its
// first step to its last, since its next inference begins after its last). A shape without time estimates (all
// zero, as `imcsim layer` and hand-built shapes have them) weighs 1 per step: its MVMs.
// Placement: the chip's placement policy (firmware/placement.h; `compiler.placement`, snake by default) walks the
// whole grid once; each chain takes the next consecutive cores of the walk, layer after layer, so consecutive
// layers and the cores of one chain are neighbours.
//
// Contract: a model that needs more cores than the chip has is a ParameterError("model") saying how many cores
// it needs, layer by layer. The placement policy is an enum: its names are checked where the config is read.

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/placement.h"

namespace imcsim::firmware {

/// Names: firmware/replication_names.h.
enum class Replication { none, balance, fill };

struct LayerShape {
  std::string name;
  int rows = 0;  ///< inputs
  int cols = 0;  ///< outputs
  std::int64_t mvms_per_inference = 1;
  int col_group = 1;  ///< outputs that must share a tile (an LSTM cell's 4 gates): tile widths are multiples of it
  bool chained_steps = false;  ///< step t needs step t - 1's output (a recurrent layer's steps)
  // Estimated time of one MVM step of the layer, unreplicated, on its busiest core, by what the time is spent on
  // (chip::estimated_layer_shapes, chip/stage_estimates.h): the crossbar reads, the digital unit's passes (the
  // accumulation chain, activation, pooling, residual adds, gates), the data it receives and sends over the
  // network. Each >= 0; replication weighs their sum (all zero: no estimate, 1 per step).
  double mvm_ns_per_step = 0;
  double digital_ns_per_step = 0;
  double network_ns_per_step = 0;
  double estimated_ns_per_step() const { return mvm_ns_per_step + digital_ns_per_step + network_ns_per_step; }
};

struct Tile {
  int core = 0;
  int row0 = 0;
  int rows = 0;
  int col0 = 0;
  int cols = 0;
  int row_tile = 0;
  int col_tile = 0;
};

struct ChipGeometry {
  int core_rows = 256;
  int core_cols = 256;
  int grid_x = 8;
  int grid_y = 8;
  PlacementPolicy placement = PlacementPolicy::snake;  ///< how the grid is walked (firmware/placement.h)
  int cores() const { return grid_x * grid_y; }
};

/// The tiles of one layer (one replica): row_tiles x col_tiles tiles of tile_rows x tile_cols, the last row and
/// column of tiles cut to the layer's size.
struct LayerTiling {
  int row_tiles = 0;
  int col_tiles = 0;
  int tile_rows = 0;
  int tile_cols = 0;
  int tiles() const { return row_tiles * col_tiles; }
};
LayerTiling tile_layer(const LayerShape& shape, const ChipGeometry& chip);

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
  /// The steps of the inference that one replica's time per inference spans: steps / replicas (on average) for
  /// independent steps; for chained ones, those from replica 0's first step to its last, replicas x
  /// (ceil(steps / replicas) - 1) + 1 (replica 0 begins the next inference after its last step of this one).
  double steps_per_replica() const;
  /// One replica's estimated time per inference, ns: the shape's estimated time per step x steps_per_replica();
  /// a shape without estimates weighs 1 per step (the result is then MVMs, not ns).
  double replica_load() const;
};

struct ModelMapping {
  ChipGeometry chip;
  Replication replication = Replication::none;
  std::vector<LayerPlacement> layers;
  int cores_used() const;
};

ModelMapping map_model(const std::vector<LayerShape>& layers, const ChipGeometry& chip, Replication replication);

}  // namespace imcsim::firmware
