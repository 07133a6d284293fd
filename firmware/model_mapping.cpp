#include "firmware/model_mapping.h"

#include <algorithm>

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::firmware {

namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

/// Gives each chain the next cores of one walk of the whole grid by the placement policy (see the header).
class ChainPlacer {
 public:
  explicit ChainPlacer(const ChipGeometry& chip)
      : m_path(make_placement(chip.placement)->walk({0, 0, chip.grid_x, chip.grid_y}, chip.grid_x)) {}

  std::vector<int> place(int length) {
    const auto from = m_path.begin() + static_cast<std::ptrdiff_t>(m_next);
    m_next += static_cast<std::size_t>(length);
    return {from, from + length};
  }

 private:
  std::vector<int> m_path;  ///< the walk of the whole grid
  std::size_t m_next = 0;   ///< its first free core
};

}  // namespace

LayerTiling tile_layer(const LayerShape& shape, const ChipGeometry& chip) {
  // A tile holds whole column groups: at most the core's columns rounded down to a group.
  const int group = std::max(1, shape.col_group);
  const int usable_cols = chip.core_cols / group * group;
  if (usable_cols == 0) {
    throw ParameterError("model", "layer '" + shape.name + "' needs " + std::to_string(group) +
                                      " columns of a core together (its gates); the cores have " +
                                      std::to_string(chip.core_cols));
  }
  LayerTiling t;
  t.row_tiles = ceil_div(shape.rows, chip.core_rows);
  t.col_tiles = ceil_div(shape.cols, usable_cols);
  t.tile_rows = ceil_div(shape.rows, t.row_tiles);
  t.tile_cols = ceil_div(ceil_div(shape.cols, t.col_tiles), group) * group;
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

ModelMapping map_model(const std::vector<LayerShape>& layers, const ChipGeometry& chip, Replication replication) {
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
  ChainPlacer placer(chip);
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
