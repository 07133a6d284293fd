#include "chip/tile_numerics.h"

namespace imcsim::chip {

TileNumerics::TileNumerics(hw::Crossbar crossbar, hw::Vector factors, firmware::Tile tile, float input_scale)
    : m_crossbar(std::move(crossbar)), m_factors(std::move(factors)), m_tile(tile), m_input_scale(input_scale) {}

void TileNumerics::read(const hw::BatchMatrix& x, const hw::ReadId& read, hw::BatchMatrix& y) const {
  // Per-thread buffers: a layer reads its tiles thousands of times per chunk of images.
  thread_local hw::BatchMatrix scaled;
  scaled = x.middleCols(m_tile.row0, m_tile.rows) / m_input_scale;
  m_crossbar.forward(scaled, read, y);
  y.array().rowwise() *= m_factors.transpose().array();
  y *= m_input_scale;
}

void TileCoreNumerics::execute(const cores::CoreCommand& command) {
  if (command.op != cores::CoreOp::mvm || command.input == nullptr || command.output == nullptr) return;
  m_tile.read(*command.input, command.read, *command.output);
}

}  // namespace imcsim::chip
