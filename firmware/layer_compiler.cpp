#include "firmware/layer_compiler.h"

#include <algorithm>
#include <string>

#include "base/check.h"

namespace imcsim::firmware {

LayerMapping map_fc_layer(const FcLayer& layer, const ChipGeometry& chip) {
  require_in_range("layer.in", layer.in, 1, 1 << 24);
  require_in_range("layer.out", layer.out, 1, 1 << 24);
  require_in_range("layer.batch", layer.batch, 1, 1 << 20);
  LayerShape shape{"fc", layer.in, layer.out};
  const int needed = tile_layer(shape, chip).tiles();
  if (needed > chip.cores()) {
    throw ParameterError("layer", "a " + std::to_string(layer.in) + " x " + std::to_string(layer.out) +
                                      " layer needs " + std::to_string(needed) + " cores of " +
                                      std::to_string(chip.core_rows) + " x " + std::to_string(chip.core_cols) +
                                      "; the chip has " + std::to_string(chip.cores()));
  }
  if (layer.lstm_cell) {
    if (layer.out % 4 != 0) throw ParameterError("layer.out", "an LSTM cell has 4 gates per hidden unit: out % 4 != 0");
    shape.col_group = 4;  // whole hidden units per tile
  }
  const LayerPlacement p = map_model({shape}, chip, Replication::none, ChainLayout::blocks).layers.front();
  LayerMapping m;
  m.row_tiles = p.row_tiles;
  m.col_tiles = p.col_tiles;
  m.tiles = p.tiles;
  for (int j = 0; j < p.col_tiles; ++j) m.accumulators.push_back(p.tile(0, j, p.row_tiles - 1).core);
  m.cell_utilisation = p.cell_utilisation(chip);
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
