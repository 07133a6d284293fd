#include "firmware/model_mapping.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::firmware {

namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

/// Gives each chain its cores, in the order the chains are asked for (see the top of the header).
class ChainPlacer {
 public:
  ChainPlacer(const ChipGeometry& chip, ChainLayout layout)
      : m_chip(chip),
        m_layout(layout),
        m_policy(make_placement(chip.placement)),
        m_taken(static_cast<std::size_t>(chip.cores()), false) {
    if (layout == ChainLayout::path) m_path = m_policy->walk({0, 0, chip.grid_x, chip.grid_y}, chip.grid_x);
  }

  std::vector<int> place(int length) {
    std::vector<int> chain = m_layout == ChainLayout::path ? along_path(length) : in_block(length);
    for (const int c : chain) m_taken[static_cast<std::size_t>(c)] = true;
    return chain;
  }

 private:
  std::vector<int> along_path(int length) {
    const auto from = m_path.begin() + static_cast<std::ptrdiff_t>(m_next);
    m_next += static_cast<std::size_t>(length);
    return {from, from + length};
  }

  /// A block as square as the grid allows at the cursor, walked by the policy; blocks fill the grid left to
  /// right, then down (a new row of blocks below the tallest of the last). No block left: free cores in order.
  std::vector<int> in_block(int length) {
    const int width = std::min(m_chip.grid_x, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(length)))));
    const int height = ceil_div(length, width);
    if (m_x + width > m_chip.grid_x) {
      m_x = 0;
      m_y += m_row_height;
      m_row_height = 0;
    }
    std::vector<int> chain;
    if (m_y + height <= m_chip.grid_y) {
      chain = m_policy->walk({m_x, m_y, width, height}, m_chip.grid_x);
      chain.resize(static_cast<std::size_t>(length));
      m_x += width;
      m_row_height = std::max(m_row_height, height);
    }
    const auto is_taken = [this](int c) { return m_taken[static_cast<std::size_t>(c)]; };
    if (chain.empty() || std::any_of(chain.begin(), chain.end(), is_taken)) {
      chain.clear();
      for (int c = 0; c < m_chip.cores() && static_cast<int>(chain.size()) < length; ++c) {
        if (!is_taken(c)) chain.push_back(c);
      }
    }
    return chain;
  }

  const ChipGeometry& m_chip;
  ChainLayout m_layout;
  std::unique_ptr<Placement> m_policy;
  std::vector<bool> m_taken;
  std::vector<int> m_path;  ///< ChainLayout::path: the walk of the whole grid
  std::size_t m_next = 0;   ///< its first free core
  int m_x = 0;              ///< ChainLayout::blocks: where the next block goes
  int m_y = 0;
  int m_row_height = 0;  ///< the tallest block of the current row of blocks
};

}  // namespace

LayerTiling tile_layer(const LayerShape& shape, const ChipGeometry& chip) {
  LayerTiling t;
  t.row_tiles = ceil_div(shape.rows, chip.core_rows);
  t.col_tiles = ceil_div(shape.cols, chip.core_cols);
  t.tile_rows = ceil_div(shape.rows, t.row_tiles);
  t.tile_cols = ceil_div(ceil_div(shape.cols, t.col_tiles), shape.col_group) * shape.col_group;
  return t;
}

double LayerPlacement::cell_utilisation(const ChipGeometry& chip) const {
  const double cells = static_cast<double>(tiles_per_replica()) * chip.core_rows * chip.core_cols;
  return static_cast<double>(shape.rows) * shape.cols / cells;
}

double LayerPlacement::steps_per_replica() const {
  if (!shape.chained_steps || replicas >= shape.mvms_per_inference) {
    return static_cast<double>(shape.mvms_per_inference) / static_cast<double>(replicas);
  }
  const std::int64_t per_replica = (shape.mvms_per_inference + replicas - 1) / replicas;
  return static_cast<double>(replicas * (per_replica - 1) + 1);
}

double LayerPlacement::replica_load() const {
  const double ns_per_step = shape.estimated_ns_per_step();
  return (ns_per_step > 0 ? ns_per_step : 1.0) * steps_per_replica();
}

int ModelMapping::cores_used() const {
  int n = 0;
  for (const auto& l : layers) n += static_cast<int>(l.tiles.size());
  return n;
}

ModelMapping map_model(const std::vector<LayerShape>& layers, const ChipGeometry& chip, Replication replication,
                       ChainLayout layout) {
  ModelMapping m;
  m.chip = chip;
  m.replication = replication;
  int needed = 0;
  std::vector<std::string> needs;
  for (const auto& shape : layers) {
    const LayerTiling tiling = tile_layer(shape, chip);
    LayerPlacement p;
    p.shape = shape;
    p.row_tiles = tiling.row_tiles;
    p.col_tiles = tiling.col_tiles;
    needed += p.tiles_per_replica();
    needs.push_back(shape.name + ": " + std::to_string(p.tiles_per_replica()));
    m.layers.push_back(p);
  }
  if (needed > chip.cores()) {
    throw ParameterError("model", "needs " + std::to_string(needed) + " cores of " + std::to_string(chip.core_rows) +
                                      " x " + std::to_string(chip.core_cols) + " (" + join_names(needs) +
                                      "); the chip has " + std::to_string(chip.cores()));
  }
  // Replication: one more copy of the heaviest layer (load per replica) that fits, until none does; balance stops
  // at the heaviest layer when it does not fit or when its replicas serve at most one step each.
  int spare = chip.cores() - needed;
  while (replication != Replication::none && spare > 0) {
    LayerPlacement* best = nullptr;
    for (auto& p : m.layers) {
      const bool fits = p.tiles_per_replica() <= spare;
      const bool heavier = best == nullptr || p.replica_load() > best->replica_load();
      if (replication == Replication::balance ? heavier : (fits && heavier)) best = &p;
    }
    if (best == nullptr) break;
    const bool pointless = replication == Replication::balance && best->steps_per_replica() <= 1.0;
    if (best->tiles_per_replica() > spare || pointless) break;
    ++best->replicas;
    spare -= best->tiles_per_replica();
  }
  // Tiles of equal size, each chain on the cores the placer gives it.
  ChainPlacer placer(chip, layout);
  for (auto& p : m.layers) {
    const LayerTiling tiling = tile_layer(p.shape, chip);
    for (int r = 0; r < p.replicas; ++r) {
      for (int j = 0; j < p.col_tiles; ++j) {
        const std::vector<int> chain = placer.place(p.row_tiles);
        for (int i = 0; i < p.row_tiles; ++i) {
          Tile t;
          t.core = chain[static_cast<std::size_t>(i)];
          t.row_tile = i;
          t.col_tile = j;
          t.row0 = i * tiling.tile_rows;
          t.rows = std::min(tiling.tile_rows, p.shape.rows - t.row0);
          t.col0 = j * tiling.tile_cols;
          t.cols = std::min(tiling.tile_cols, p.shape.cols - t.col0);
          p.tiles.push_back(t);
        }
      }
    }
  }
  return m;
}

}  // namespace imcsim::firmware
