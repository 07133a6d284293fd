#include "firmware/model_mapping.h"

#include "base/errors.h"
#include "base/text.h"

namespace imcsim::firmware {

namespace {

/// The grid's cores along a snake: row 0 left to right, row 1 right to left, ...
std::vector<int> snake_order(const ChipGeometry& chip) {
  std::vector<int> order;
  for (int y = 0; y < chip.grid_y; ++y) {
    for (int k = 0; k < chip.grid_x; ++k) order.push_back(y * chip.grid_x + (y % 2 == 0 ? k : chip.grid_x - 1 - k));
  }
  return order;
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

/// MVMs one core of the layer performs per inference: the pipeline stage's load.
double load_per_replica(const LayerPlacement& p) {
  return static_cast<double>(p.shape.mvms_per_inference) / static_cast<double>(p.replicas);
}

}  // namespace

Replication parse_replication(const std::string& name) {
  if (name == "none") return Replication::none;
  if (name == "balance") return Replication::balance;
  if (name == "fill") return Replication::fill;
  throw ParameterError("compiler.replication", "'" + name + "' is not one of none, balance, fill");
}

std::string replication_name(Replication r) {
  return r == Replication::none ? "none" : r == Replication::balance ? "balance" : "fill";
}

double LayerPlacement::cell_utilisation(const ChipGeometry& chip) const {
  const double cells = static_cast<double>(tiles_per_replica()) * chip.core_rows * chip.core_cols;
  return static_cast<double>(shape.rows) * shape.cols / cells;
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
    LayerPlacement p;
    p.shape = shape;
    p.row_tiles = ceil_div(shape.rows, chip.core_rows);
    p.col_tiles = ceil_div(shape.cols, chip.core_cols);
    needed += p.tiles_per_replica();
    needs.push_back(shape.name + ": " + std::to_string(p.tiles_per_replica()));
    m.layers.push_back(p);
  }
  if (needed > chip.cores()) {
    throw ParameterError("model", "needs " + std::to_string(needed) + " cores of " + std::to_string(chip.core_rows) +
                                      " x " + std::to_string(chip.core_cols) + " (" + join_names(needs) +
                                      "); the chip has " + std::to_string(chip.cores()));
  }
  // Replication: one more copy of the heaviest layer (per replica) that fits, until none does.
  int spare = chip.cores() - needed;
  while (replication != Replication::none && spare > 0) {
    LayerPlacement* best = nullptr;
    for (auto& p : m.layers) {
      const bool fits = p.tiles_per_replica() <= spare;
      const bool heavier = best == nullptr || load_per_replica(p) > load_per_replica(*best);
      if (replication == Replication::balance ? heavier : (fits && heavier)) best = &p;
    }
    if (best == nullptr) break;
    const bool pointless = replication == Replication::balance && load_per_replica(*best) <= 1.0;
    if (best->tiles_per_replica() > spare || pointless) break;
    ++best->replicas;
    spare -= best->tiles_per_replica();
  }
  // Tiles of equal size, placed along the snake.
  const std::vector<int> order = snake_order(chip);
  std::size_t next = 0;
  for (auto& p : m.layers) {
    const int tile_rows = ceil_div(p.shape.rows, p.row_tiles);
    const int tile_cols = ceil_div(p.shape.cols, p.col_tiles);
    for (int r = 0; r < p.replicas; ++r) {
      for (int j = 0; j < p.col_tiles; ++j) {
        for (int i = 0; i < p.row_tiles; ++i) {
          Tile t;
          t.core = order[next++];
          t.row_tile = i;
          t.col_tile = j;
          t.row0 = i * tile_rows;
          t.rows = std::min(tile_rows, p.shape.rows - t.row0);
          t.col0 = j * tile_cols;
          t.cols = std::min(tile_cols, p.shape.cols - t.col0);
          p.tiles.push_back(t);
        }
      }
    }
  }
  return m;
}

}  // namespace imcsim::firmware
