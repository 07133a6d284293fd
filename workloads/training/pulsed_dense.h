#pragma once
// A fully connected layer trained in place on resistive crossbars (the RPU scheme; Kim et al., arXiv:1907.10228;
// docs/analog-training.md). The layer's in x out weight matrix (rows = inputs, columns = outputs, as the chip
// stores weights) is cut as the chip's compiler cuts it (firmware::tile_layer): the fewest tiles of at most
// crossbar.rows x crossbar.cols, of equal size. Each tile is one hw::PulsedArray (devices w and reference devices
// r) read through one hw::Crossbar with the chip's periphery:
//   forward   y = s (w - r)^T x + b: each tile reads its rows of x through its DAC, array and ADC; the digital
//             unit adds the row tiles' partial sums and the bias;
//   backward  dx = s (w - r) d: the transposed read of the same tiles (d through the column DACs, the rows' ADCs);
//   update    each sample's rank-1 term in turn by stochastic pulse trains on every tile (hw::PulsedArray::update)
//             with device learning rate lr / s, so the network weight s (w - r) moves by -lr x d^T in expectation.
// s is the weight scale (network weight per device unit); reads normalise w - r by the nominal bound
// max(|w_max|, |w_min|), the state of one device at its bound. Reads use noise management (each vector scaled to
// its max |x| before the DAC), as aihwkit's analog tiles do: the backward errors are orders of magnitude below
// the activations, so no fixed DAC range fits both. The bias is digital and trained by plain SGD.
//
// Contract: forward() with pass.training keeps the minibatch's inputs, backward() its output gradients;
// update_tile(t, ...) then applies that minibatch's update to tile t and may run concurrently for different
// tiles (of this or another layer). Every draw is keyed by (seed, tile, step, sample; pass.step < 2^32), so results do
// not depend on the thread count. The crossbars read the devices as they were at the last refresh_reads(): call it once
// all tiles are updated.

#include <cstdint>
#include <memory>
#include <string>
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

class PulsedDense : public Layer {
 public:
  /// `device` must outlive the layer. The initial network weights are He-normal from (seed, id), as Dense's.
  PulsedDense(std::string name, int in, int out, const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device,
              std::uint32_t id);

  Shape output_shape() const override { return {1, 1, m_out}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::vector<Parameter*> parameters() override { return {&m_b}; }
  /// A Gemm node whose weight is the effective network weight s (w - r).
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  /// Programs the weights of `graph` (name.weight, out x in) onto the devices, w = r + W / s, and sets the bias.
  void import_from(const Graph& graph) override;

  /// Whether backward() computes the input gradient (false for the first weight layer: nothing reads it, and the
  /// chip skips that transposed read).
  void set_input_gradient(bool on) { m_input_gradient = on; }

  int tiles() const { return static_cast<int>(m_tiles.size()); }
  /// Applies the last minibatch's update to tile `tile` at learning rate `lr`; `step` keys the draws.
  void update_tile(int tile, float lr, std::uint64_t step);
  /// Reloads the crossbars' read copies from the devices (after updates).
  void refresh_reads();
  /// What the updates so far fired, per tile.
  const std::vector<hw::PulseUpdateCounts>& update_counts() const { return m_counts; }
  /// Sample updates applied to each tile so far (a vector pair with x = 0 or d = 0 included).
  std::uint64_t sample_updates() const { return m_sample_updates; }

  /// The effective network weights, out x in.
  Matrix effective_weights() const;
  /// The device states and references of every tile (rows x cols each; w, r alternating, in tile order).
  std::vector<const hw::WeightMatrix*> device_state() const;
  const Matrix& bias() const { return m_b.value; }
  /// Restores the bias and what device_state() gave (w, r alternating, in tile order); throws ParameterError on a
  /// shape mismatch.
  void restore(const Matrix& bias, const std::vector<hw::WeightMatrix>& state);
  /// The found and the analytic symmetry points of every device (zero-shifting only; empty otherwise).
  const std::vector<hw::WeightMatrix>& found_symmetry_points() const { return m_found; }
  std::vector<hw::WeightMatrix> analytic_symmetry_points() const;

 private:
  struct Tile {
    int row0 = 0, rows = 0, col0 = 0, cols = 0;
    std::unique_ptr<hw::PulsedArray> array;
    std::unique_ptr<hw::Crossbar> crossbar;
  };
  /// Sets the devices so that the effective network weights are `w` (out x in).
  void program(const Matrix& w);

  int m_in, m_out;
  PulsedLayerConfig m_config;
  float m_norm;  ///< device units of one normalised read unit
  Parameter m_b;
  std::vector<Tile> m_tiles;
  std::vector<hw::WeightMatrix> m_found;
  std::vector<hw::PulseUpdateCounts> m_counts;  ///< per tile
  std::uint64_t m_sample_updates = 0;
  bool m_input_gradient = true;
  Matrix m_x, m_d;  ///< the last training minibatch: inputs (batch x in), output gradients (batch x out)
};

}  // namespace imcsim::workloads::training
