#pragma once
// One in x out weight matrix trained in place on resistive crossbars (the RPU scheme; Kim et al.,
// arXiv:1907.10228; docs/analog-training.md), the part that every pulsed layer shares (pulsed_layer.h). Rows are
// inputs and columns outputs, as the chip stores weights. The matrix is cut as the chip's compiler cuts it
// (firmware::tile_layer): the fewest tiles of at most crossbar.rows x crossbar.cols, of equal size. Each tile is
// one hw::PulsedArray (devices w and reference devices r) read through one hw::Crossbar with the chip's periphery:
//   forward   y = s (w - r)^T x: each tile reads its rows of x through its DAC, array and ADC; the digital unit
//             adds the row tiles' partial sums;
//   backward  dx = s (w - r) d: the transposed read of the same tiles (d through the column DACs, the rows' ADCs);
//   update    rank-1 terms in turn by stochastic pulse trains on every tile (hw::PulsedArray::update) with device
//             learning rate lr / s, so the network weight s (w - r) moves by -lr x d^T in expectation.
// s is the weight scale (network weight per device unit); reads normalise w - r by the nominal bound
// max(|w_max|, |w_min|), the state of one device at its bound. Reads use noise management (each vector scaled to
// its max |x| before the DAC), as aihwkit's analog tiles do: the backward errors are orders of magnitude below
// the activations, so no fixed DAC range fits both.
//
// Contract: update_tile(t, ...) may run concurrently for different tiles (of this or another matrix). Every draw
// is keyed by (seed, tile, ReadId or step), so results do not depend on the thread count. The crossbars read the
// devices as they were at the last refresh_reads(): call it once all tiles are updated.

#include <cstdint>
#include <memory>
#include <vector>

#include "hw/crossbar.h"
#include "hw/device/pulsed_device.h"
#include "hw/pulsed_array.h"
#include "workloads/training/layers.h"

namespace imcsim::workloads::training {

/// What every pulsed layer of a network shares.
struct PulsedLayerConfig {
  hw::CrossbarConfig crossbar;  ///< tile size (rows x cols) and the periphery of every read
  hw::PulseUpdateConfig update;
  bool zero_shift = false;  ///< reference devices at the devices' symmetry points (else at 0)
  /// Zero-shifting: the points found by pulsing (as a chip does) or, for comparison, the analytic ones.
  bool zero_shift_by_formula = false;
  hw::ZeroShiftConfig zero_shift_config;
  float weight_scale = 1.0f;  ///< network weight per device unit, s > 0
  std::uint64_t seed = 1;
  int threads = 1;  ///< for zero-shifting a tile (the result does not depend on it)
};

class PulsedMatrix {
 public:
  /// Tiles of arrays id 4096 id + tile (zero-shifted if configured); the devices hold 0 until program().
  /// `device` must outlive the matrix. Throws ParameterError("train.weight_scale") unless the scale is > 0.
  PulsedMatrix(int in, int out, const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device,
               std::uint32_t id);

  int in() const { return m_in; }
  int out() const { return m_out; }
  /// x: n x in -> n x out, and d: n x out -> n x in, through every tile; `read` keys the reads' noise.
  Matrix forward(const Matrix& x, const hw::ReadId& read) const;
  Matrix backward(const Matrix& d, const hw::ReadId& read) const;

  /// Sets the devices so that the effective network weights are `w` (out x in), and refreshes the reads.
  void program(const Matrix& w);
  /// Reloads the crossbars' read copies from the devices (after updates).
  void refresh_reads();
  int tiles() const { return static_cast<int>(m_tiles.size()); }
  /// Applies the rank-1 terms of the rows of x (n x in) and d (n x out), in row order, to tile `tile` at
  /// learning rate `lr`; `step` keys the draws.
  void update_tile(int tile, const Matrix& x, const Matrix& d, float lr, std::uint64_t step);
  /// What the updates so far fired, per tile, and the rank-1 terms applied to each tile (x = 0 or d = 0 included).
  const std::vector<hw::PulseUpdateCounts>& update_counts() const { return m_counts; }
  std::uint64_t sample_updates() const { return m_sample_updates; }

  /// The effective network weights, out x in.
  Matrix effective_weights() const;
  /// The device states and references of every tile (rows x cols each; w, r alternating, in tile order).
  std::vector<const hw::WeightMatrix*> device_state() const;
  /// Restores what device_state() gave; throws ParameterError naming `name` on another number of tiles.
  void restore(const std::string& name, const std::vector<hw::WeightMatrix>& state);
  /// The found and the analytic symmetry points of every device (zero-shifting only; empty otherwise).
  const std::vector<hw::WeightMatrix>& found_symmetry_points() const { return m_found; }
  std::vector<hw::WeightMatrix> analytic_symmetry_points() const;

 private:
  struct Tile {
    int row0 = 0, rows = 0, col0 = 0, cols = 0;
    std::unique_ptr<hw::PulsedArray> array;
    std::unique_ptr<hw::Crossbar> crossbar;
  };

  int m_in, m_out;
  PulsedLayerConfig m_config;
  float m_norm;  ///< device units of one normalised read unit
  std::vector<Tile> m_tiles;
  std::vector<hw::WeightMatrix> m_found;
  std::vector<hw::PulseUpdateCounts> m_counts;  ///< per tile
  std::uint64_t m_sample_updates = 0;
};

}  // namespace imcsim::workloads::training
