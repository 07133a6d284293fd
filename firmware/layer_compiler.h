#pragma once
// The compiler for one fully connected layer (plain C++): tiles an in x out weight matrix over cores of
// rows x cols cells, places the tiles, and emits the Program of one pass of `batch` input vectors.
//
// Tiling (as on HERMES): the fewest tiles of equal size, ceil(in / rows) row tiles by ceil(out / cols) column
// tiles of ceil(in / row_tiles) x ceil(out / col_tiles), one core each.
// Accumulation: the row tiles of one column tile form a chain. The first corrects its ADC outputs and streams
// them as INT8 to the next; every further core adds its own corrected outputs to the stream as it arrives
// (one datum per clock, cut-through) and passes it on; the last applies the activation and stores.
// Tiling and placement are the model mapper's (firmware/model_mapping.h, ChainLayout::blocks): each column group
// occupies a compact block of the core grid, walked by the chip's placement policy (snake by default, so that
// consecutive cores of the chain are neighbours).

#include <functional>
#include <string>
#include <vector>

#include "firmware/model_mapping.h"
#include "firmware/program.h"

namespace imcsim::firmware {

struct FcLayer {
  int in = 256;
  int out = 256;
  int batch = 1;
  bool program_weights = false;   ///< include programming the weights in the program
  bool preloaded_inputs = false;  ///< inputs already in the input buffers (no load from the off-chip port)
  bool store_outputs = true;      ///< send the outputs to the off-chip port (else they stay for the next layer)
  /// One time step of an LSTM cell: in = input size + hidden size (both gates stacked), out = 4 x hidden, the
  /// four gates of each hidden unit interleaved so that they sit in the same column tile; the last core of
  /// each chain computes its units' cell outputs in its global digital unit.
  bool lstm_cell = false;
  /// Input vectors per pass through the tiles (what the input and output buffers hold); 0: the whole batch.
  /// Larger batches run as several passes, one after the other on each core.
  int vectors_per_pass = 0;
};

struct LayerMapping {
  int row_tiles = 0;
  int col_tiles = 0;
  std::vector<Tile> tiles;        ///< row tile fastest; within a column tile in chain order
  std::vector<int> accumulators;  ///< per column tile: the last core of its chain
  double cell_utilisation = 0;    ///< in * out / (cores used * rows * cols)
  int cores_used() const { return static_cast<int>(tiles.size()); }
};

/// Emits one column tile's accumulation chain (the layer and the model compiler share it): chain[0] corrects its
/// ADC outputs and requantises them (act) and streams them to chain[1], which adds its own corrected outputs as they
/// arrive (acc, cut-through) and passes the stream on, and so on; the last core ends with the sums after its
/// digital pass (which also applies the activation). `elements` data per core; the link chain[k] -> chain[k+1] is
/// tagged tag_of(k). Every instruction is attributed to `layer`. The caller emits the MVMs before.
void emit_accumulation_chain(Program& program, const std::vector<int>& chain, int elements,
                             const std::function<std::string(int)>& tag_of, int layer = -1);

/// Throws ParameterError("layer") when the layer needs more cores than the chip has.
LayerMapping map_fc_layer(const FcLayer& layer, const ChipGeometry& chip);
Program compile_fc_layer(const FcLayer& layer, const LayerMapping& mapping);

}  // namespace imcsim::firmware
