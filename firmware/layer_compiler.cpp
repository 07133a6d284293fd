#include "firmware/layer_compiler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "base/check.h"

namespace imcsim::firmware {

namespace {

/// Cells of a w x h block starting at (x0, y0), ordered by distance from the block's centre (so the first is
/// the centre), ties by row-major order.
std::vector<int> block_cores(int x0, int y0, int w, int h, int grid_x, int count) {
  std::vector<std::pair<double, int>> cells;
  const double cx = x0 + (w - 1) / 2.0;
  const double cy = y0 + (h - 1) / 2.0;
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) {
      const double d = std::fabs(x - cx) + std::fabs(y - cy);
      cells.emplace_back(d, y * grid_x + x);
    }
  }
  std::stable_sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(cells[static_cast<std::size_t>(i)].second);
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
    throw ParameterError("layer", "a " + std::to_string(layer.in) + " x " + std::to_string(layer.out) + " layer needs " +
                                      std::to_string(needed) + " cores of " + std::to_string(core_rows) + " x " +
                                      std::to_string(core_cols) + "; the chip has " + std::to_string(cores));
  }
  // Each column group gets a compact block: as square as the grid allows, filled left to right, then down.
  const int side = std::min(grid_x, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(m.row_tiles)))));
  const int block_w = side;
  const int block_h = (m.row_tiles + block_w - 1) / block_w;
  std::vector<bool> taken(static_cast<std::size_t>(cores), false);
  int bx = 0, by = 0;
  for (int j = 0; j < m.col_tiles; ++j) {
    std::vector<int> group;
    if (by + block_h <= grid_y && bx + block_w <= grid_x) {
      group = block_cores(bx, by, block_w, block_h, grid_x, m.row_tiles);
      bx += block_w;
      if (bx + block_w > grid_x) {
        bx = 0;
        by += block_h;
      }
    }
    // A block that no longer fits: take the free cores in order.
    if (group.empty() || std::any_of(group.begin(), group.end(), [&](int c) { return taken[static_cast<std::size_t>(c)]; })) {
      group.clear();
      for (int c = 0; c < cores && static_cast<int>(group.size()) < m.row_tiles; ++c) {
        if (!taken[static_cast<std::size_t>(c)]) group.push_back(c);
      }
    }
    for (const int c : group) taken[static_cast<std::size_t>(c)] = true;
    m.accumulators.push_back(group.front());
    for (int i = 0; i < m.row_tiles; ++i) {
      Tile t;
      t.core = group[static_cast<std::size_t>(i)];
      t.row_tile = i;
      t.col_tile = j;
      t.row0 = i * core_rows;
      t.rows = std::min(core_rows, layer.in - t.row0);
      t.col0 = j * core_cols;
      t.cols = std::min(core_cols, layer.out - t.col0);
      m.tiles.push_back(t);
    }
  }
  m.cell_utilisation = static_cast<double>(layer.in) * layer.out / (static_cast<double>(needed) * core_rows * core_cols);
  return m;
}

Program compile_fc_layer(const FcLayer& layer, const LayerMapping& mapping) {
  Program p;
  p.name = "fc_" + std::to_string(layer.in) + "x" + std::to_string(layer.out);
  const int b = layer.batch;
  auto add = [&p](Instruction i) { p.instructions.push_back(std::move(i)); };
  if (layer.program_weights) {
    for (const Tile& t : mapping.tiles) add({Op::program, t.core, t.rows, t.cols});
    add({Op::barrier});
  }
  for (const Tile& t : mapping.tiles) {
    Instruction load{Op::load, t.core};
    load.bytes = t.rows * b;
    add(load);
    Instruction mvm{Op::mvm, t.core, t.rows, t.cols, b};
    add(mvm);
    // Affine correction of the ADC outputs and requantisation to INT8.
    Instruction act{Op::act, t.core};
    act.elements = t.cols * b;
    add(act);
    const int acc_core = mapping.accumulators[static_cast<std::size_t>(t.col_tile)];
    if (t.core != acc_core) {
      Instruction send{Op::send, t.core};
      send.peer = acc_core;
      send.bytes = t.cols * b;
      send.tag = "p" + std::to_string(t.row_tile) + "c" + std::to_string(t.col_tile);
      add(send);
    }
  }
  for (int j = 0; j < mapping.col_tiles; ++j) {
    const int acc_core = mapping.accumulators[static_cast<std::size_t>(j)];
    int cols = 0;
    for (const Tile& t : mapping.tiles) {
      if (t.col_tile != j) continue;
      cols = t.cols;
      if (t.core == acc_core) continue;
      Instruction recv{Op::recv, acc_core};
      recv.peer = t.core;
      recv.tag = "p" + std::to_string(t.row_tile) + "c" + std::to_string(j);
      add(recv);
      Instruction acc{Op::acc, acc_core};
      acc.elements = t.cols * b;
      add(acc);
    }
    if (mapping.row_tiles > 1) {
      Instruction act{Op::act, acc_core};  // activation of the accumulated sums
      act.elements = cols * b;
      add(act);
    }
    Instruction store{Op::store, acc_core};
    store.bytes = cols * b;
    add(store);
  }
  return p;
}

}  // namespace imcsim::firmware
