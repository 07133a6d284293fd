#pragma once
// The numbers of one tile of a mapped model on its core: the tile's programmed crossbar (hw/), read at one
// time after programming, with the tile's input scale (the layer's percentile, or its calibrated DAC range:
// chip/range_calibration.h) and the tile's drift-compensation factors. The batched accuracy path
// (chip/analog_engine.h) and the timed cores (cores::Core, through CoreNumerics) both read tiles through read(),
// so a vector gets the same number whichever path carries it.
//
// Contract: read() takes vectors of the whole layer input (vectors x layer rows, in the layer's units), uses the
// tile's rows, and writes the tile's outputs (vectors x tile cols) in weight units: DAC of x / input_scale, the
// crossbar read keyed by `read` (step, first image), ADC, times the compensation factors and input_scale. It is
// const and thread-safe.

#include "cores/core_numerics.h"
#include "firmware/model_mapping.h"
#include "hw/crossbar.h"

namespace imcsim::chip {

class TileNumerics {
 public:
  TileNumerics(hw::Crossbar crossbar, hw::Vector factors, firmware::Tile tile, float input_scale);

  void read(const hw::BatchMatrix& x, const hw::ReadId& read, hw::BatchMatrix& y) const;

  const firmware::Tile& tile() const { return m_tile; }
  const hw::Crossbar& crossbar() const { return m_crossbar; }
  const hw::Vector& factors() const { return m_factors; }

 private:
  hw::Crossbar m_crossbar;
  hw::Vector m_factors;
  firmware::Tile m_tile;
  float m_input_scale;
};

/// A timed core's numeric side for one tile: MVM commands with input and output read the tile; other
/// commands carry no numbers. `tile` must outlive it.
class TileCoreNumerics : public cores::CoreNumerics {
 public:
  explicit TileCoreNumerics(const TileNumerics& tile) : m_tile(tile) {}
  void execute(const cores::CoreCommand& command) override;

 private:
  const TileNumerics& m_tile;
};

}  // namespace imcsim::chip
