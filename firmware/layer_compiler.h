#pragma once
// The compiler for one fully connected layer (plain C++): tiles an in x out weight matrix over cores of
// rows x cols cells, places the tiles, and emits the Program of one pass of `batch` input vectors.
//
// Tiling: ceil(in / rows) row tiles by ceil(out / cols) column tiles, one core each. The row tiles of one
// column tile produce partial sums; each is corrected and requantised to INT8 by its core's digital unit and
// sent to the column's accumulating core, which adds them, applies the activation and stores the outputs.
// Placement: the tiles of one column group occupy a compact block of the core grid with the accumulator at
// its centre, so partial sums travel few hops.

#include <vector>

#include "firmware/program.h"

namespace imcsim::firmware {

struct FcLayer {
  int in = 256;
  int out = 256;
  int batch = 1;
  bool program_weights = false;  ///< include programming the weights in the program
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

struct LayerMapping {
  int row_tiles = 0;
  int col_tiles = 0;
  std::vector<Tile> tiles;          ///< row tile fastest
  std::vector<int> accumulators;    ///< per column tile: the core that adds the partial sums
  double cell_utilisation = 0;      ///< in * out / (cores used * rows * cols)
  int cores_used() const { return static_cast<int>(tiles.size()); }
};

/// Throws ParameterError("layer") when the layer needs more cores than the chip has.
LayerMapping map_fc_layer(const FcLayer& layer, int core_rows, int core_cols, int grid_x, int grid_y);
Program compile_fc_layer(const FcLayer& layer, const LayerMapping& mapping);

}  // namespace imcsim::firmware
