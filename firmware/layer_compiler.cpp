#include "firmware/layer_compiler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/check.h"

namespace imcsim::firmware {

namespace {

/// The cells of a w x h block starting at (x0, y0) in snake order (rows alternate direction), so consecutive
/// cells are grid neighbours; the first `count` of them.
std::vector<int> snake_block(int x0, int y0, int w, int h, int grid_x, int count) {
  std::vector<int> out;
  for (int r = 0; r < h && static_cast<int>(out.size()) < count; ++r) {
    for (int k = 0; k < w && static_cast<int>(out.size()) < count; ++k) {
      const int x = r % 2 == 0 ? x0 + k : x0 + w - 1 - k;
      out.push_back((y0 + r) * grid_x + x);
    }
  }
  return out;
}

}  // namespace

LayerMapping map_fc_layer(const FcLayer& layer, int core_rows, int core_cols, int grid_x, int grid_y) {
  require_in_range("layer.in", layer.in, 1, 1 << 24);
  require_in_range("layer.out", layer.out, 1, 1 << 24);
  require_in_range("layer.batch", layer.batch, 1, 1 << 20);
  LayerMapping m;
  m.row_tiles = (layer.in + core_rows - 1) / core_rows;
  m.col_tiles = (layer.out + core_cols - 1) / core_cols;
  const int needed = m.row_tiles * m.col_tiles;
  const int cores = grid_x * grid_y;
  if (needed > cores) {
    throw ParameterError("layer", "a " + std::to_string(layer.in) + " x " + std::to_string(layer.out) +
                                      " layer needs " + std::to_string(needed) + " cores of " +
                                      std::to_string(core_rows) + " x " + std::to_string(core_cols) +
                                      "; the chip has " + std::to_string(cores));
  }
  const int tile_rows = (layer.in + m.row_tiles - 1) / m.row_tiles;
  int tile_cols = (layer.out + m.col_tiles - 1) / m.col_tiles;
  if (layer.lstm_cell) {
    if (layer.out % 4 != 0) throw ParameterError("layer.out", "an LSTM cell has 4 gates per hidden unit: out % 4 != 0");
    tile_cols = (tile_cols + 3) / 4 * 4;  // whole hidden units per tile
  }
  // Each column group gets a block as square as the grid allows; blocks fill the grid left to right, then down.
  const int block_w = std::min(grid_x, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(m.row_tiles)))));
  const int block_h = (m.row_tiles + block_w - 1) / block_w;
  std::vector<bool> taken(static_cast<std::size_t>(cores), false);
  int bx = 0, by = 0;
  for (int j = 0; j < m.col_tiles; ++j) {
    std::vector<int> group;
    if (by + block_h <= grid_y && bx + block_w <= grid_x) {
      group = snake_block(bx, by, block_w, block_h, grid_x, m.row_tiles);
      bx += block_w;
      if (bx + block_w > grid_x) {
        bx = 0;
        by += block_h;
      }
    }
    const auto is_taken = [&](int c) { return taken[static_cast<std::size_t>(c)]; };
    if (group.empty() || std::any_of(group.begin(), group.end(), is_taken)) {
      // No room for a block any more: take the free cores in order.
      group.clear();
      for (int c = 0; c < cores && static_cast<int>(group.size()) < m.row_tiles; ++c) {
        if (!is_taken(c)) group.push_back(c);
      }
    }
    for (const int c : group) taken[static_cast<std::size_t>(c)] = true;
    m.accumulators.push_back(group.back());
    for (int i = 0; i < m.row_tiles; ++i) {
      Tile t;
      t.core = group[static_cast<std::size_t>(i)];
      t.row_tile = i;
      t.col_tile = j;
      t.row0 = i * tile_rows;
      t.rows = std::min(tile_rows, layer.in - t.row0);
      t.col0 = j * tile_cols;
      t.cols = std::min(tile_cols, layer.out - t.col0);
      m.tiles.push_back(t);
    }
  }
  m.cell_utilisation =
      static_cast<double>(layer.in) * layer.out / (static_cast<double>(needed) * core_rows * core_cols);
  return m;
}

namespace {

/// One pass of `vectors` input vectors through all tiles; `pass` keeps the send/recv tags apart.
void compile_pass(const FcLayer& layer, const LayerMapping& mapping, int vectors, int pass, Program& p) {
  auto add = [&p](Instruction i) { p.instructions.push_back(std::move(i)); };
  const std::string suffix = pass > 0 ? "p" + std::to_string(pass) : "";
  // All tiles read their inputs in parallel.
  for (const Tile& t : mapping.tiles) {
    if (!layer.preloaded_inputs) {
      Instruction load{Op::load, t.core};
      load.bytes = t.rows * vectors;
      add(load);
    }
    add({Op::mvm, t.core, t.rows, t.cols, vectors});
  }
  // Then each column tile's chain accumulates the partial sums as they stream through.
  for (std::size_t k = 0; k < mapping.tiles.size(); ++k) {
    const Tile& t = mapping.tiles[k];
    if (t.row_tile + 1 < mapping.row_tiles) continue;
    const int elements = t.cols * vectors;
    std::vector<int> chain;
    for (int i = 0; i < mapping.row_tiles; ++i) chain.push_back(mapping.tiles[k + 1 - mapping.row_tiles + i].core);
    emit_accumulation_chain(p, chain, elements, [&](int row_tile) {
      return "c" + std::to_string(t.col_tile) + "r" + std::to_string(row_tile) + suffix;
    });
    int outputs = elements;
    if (layer.lstm_cell) {
      outputs = elements / 4;  // one hidden output per four gate values
      Instruction gdu{Op::gdu, t.core};
      gdu.elements = outputs;
      add(gdu);
    }
    if (layer.store_outputs) {
      Instruction store{Op::store, t.core};
      store.bytes = outputs;
      add(store);
    }
  }
}

}  // namespace

void emit_accumulation_chain(Program& program, const std::vector<int>& chain, int elements,
                             const std::function<std::string(int)>& tag_of, int layer) {
  for (std::size_t k = 0; k < chain.size(); ++k) {
    if (k > 0) {
      Instruction recv{Op::recv, chain[k]};
      recv.peer = chain[k - 1];
      recv.tag = tag_of(static_cast<int>(k) - 1);
      recv.stream = true;
      recv.layer = layer;
      program.instructions.push_back(recv);
    }
    Instruction digital{k > 0 ? Op::acc : Op::act, chain[k]};
    digital.elements = elements;
    digital.layer = layer;
    program.instructions.push_back(digital);
    if (k + 1 < chain.size()) {
      Instruction send{Op::send, chain[k]};
      send.peer = chain[k + 1];
      send.bytes = elements;
      send.tag = tag_of(static_cast<int>(k));
      send.stream = true;
      send.layer = layer;
      program.instructions.push_back(send);
    }
  }
}

Program compile_fc_layer(const FcLayer& layer, const LayerMapping& mapping) {
  Program p;
  p.name = "fc_" + std::to_string(layer.in) + "x" + std::to_string(layer.out);
  if (layer.program_weights) {
    for (const Tile& t : mapping.tiles) p.instructions.push_back({Op::program, t.core, t.rows, t.cols});
    p.instructions.push_back({Op::barrier});
  }
  const int per_pass = layer.vectors_per_pass > 0 ? std::min(layer.vectors_per_pass, layer.batch) : layer.batch;
  int pass = 0;
  for (int done = 0; done < layer.batch; done += per_pass, ++pass) {
    compile_pass(layer, mapping, std::min(per_pass, layer.batch - done), pass, p);
  }
  return p;
}

}  // namespace imcsim::firmware
