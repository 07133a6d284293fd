#include "chip/analog_engine.h"

namespace imcsim::chip {

void AnalogEngine::multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                            std::uint32_t first_step, hw::BatchMatrix& y) const {
  const Layer& l = (*m_layers)[layer];
  y.setZero(x.rows(), l.cols);
  const Eigen::Index n = images;
  const Eigen::Index steps = x.rows() / n;
  const std::size_t per_replica = l.tiles.size() / static_cast<std::size_t>(l.replicas);
  // Per-thread buffers: one MVM step of a chunk at a time, thousands of times per chunk.
  thread_local hw::BatchMatrix block, part;
  for (Eigen::Index s = 0; s < steps; ++s) {
    const auto step = first_step + static_cast<std::uint32_t>(s);
    const std::size_t replica = step % static_cast<std::uint32_t>(l.replicas);
    block = x.middleRows(s * n, n);
    for (std::size_t k = replica * per_replica; k < (replica + 1) * per_replica; ++k) {
      const TileNumerics& t = l.tiles[k];
      read_tile(t, block, hw::ReadId{step, first_image}, part);
      y.block(s * n, t.tile().col0, n, t.tile().cols) += part;
    }
  }
}

}  // namespace imcsim::chip
