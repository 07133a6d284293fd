#pragma once
// A mapped model's weight layers read through its tiles (chip/tile_numerics.h): the matrix engine of the
// accuracy path. The MVM of step s (output pixel, time step) goes to replica s % replicas; the row tiles' partial
// sums are added digitally. Noise is keyed (seed, core, step, image), so results do not depend on batching,
// chunking or threads.
//
// read_tile() is where a tile is read; the timed path (chip/timed_inference.h) overrides it to send the read to
// the tile's core as an MVM command, so both paths share this loop and the tiles' arithmetic.

#include <memory>
#include <vector>

#include "chip/tile_numerics.h"
#include "workloads/matrix_engine.h"

namespace imcsim::chip {

class AnalogEngine : public workloads::MatrixEngine {
 public:
  struct Layer {
    int rows = 0, cols = 0, replicas = 1;
    std::vector<TileNumerics> tiles;  ///< as the mapping orders them: replica-major
  };
  explicit AnalogEngine(std::vector<Layer> layers)
      : m_layers(std::make_shared<const std::vector<Layer>>(std::move(layers))) {}

  void multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                std::uint32_t first_step, hw::BatchMatrix& y) const override;
  Eigen::Index layer_rows(std::size_t layer) const override { return (*m_layers)[layer].rows; }

  const std::vector<Layer>& layers() const { return *m_layers; }

 protected:
  /// A copy shares the tiles (a derived engine that reads them elsewhere).
  AnalogEngine(const AnalogEngine&) = default;
  /// Reads `tile` (x: vectors x layer rows) into `y` (vectors x tile cols).
  virtual void read_tile(const TileNumerics& tile, const hw::BatchMatrix& x, const hw::ReadId& read,
                         hw::BatchMatrix& y) const {
    tile.read(x, read, y);
  }

 private:
  std::shared_ptr<const std::vector<Layer>> m_layers;
};

}  // namespace imcsim::chip
