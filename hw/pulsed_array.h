#pragma once
// An array of pulsed training devices with a per-weight reference device (w_eff = w - r) and the
// stochastic pulse-train update of analog training.
//
// Update of one vector pair (x over rows, d over columns) with learning rate lr and pulse_length BL:
// row i fires in each of the BL slots with probability p_i = c_x |x_i|, column j with q_j = c_d |d_j|;
// every coincidence applies one pulse to device (i, j) in the direction of -sign(x_i d_j). With
// c_x c_d = lr / (BL dw_min) the expected change is -lr x_i d_j (while p, q <= 1). Update management
// balances the two sides: c_x = sqrt(k d_max / x_max), c_d = sqrt(k x_max / d_max), k = lr / (BL dw_min),
// so both largest probabilities are equal; without it c_x = c_d = sqrt(k). Probabilities clip at 1.

#include <cstdint>
#include <vector>

#include "hw/device/pulsed_device.h"
#include "hw/types.h"

namespace imcsim::hw {

/// Zero-shifting as a chip does it (Kim et al., arXiv:1907.10228): each device's symmetry point is found by
/// alternating up and down pulses and reading the state, then the reference device is programmed there, so a
/// device at rest reads as zero.
struct ZeroShiftConfig {
  int pulse_pairs = 2000;                   ///< up/down pulse pairs applied before the state is read
  float reference_programming_std = 0.0f;  ///< programming error of the reference device (std, device units)
};

struct PulseUpdateConfig {
  int pulse_length = 31;  ///< BL, slots per update
  bool update_management = true;
};

class PulsedArray {
 public:
  /// `model` must outlive the array. Device parameters (d2d variation) are drawn from the seed.
  PulsedArray(const PulsedDeviceModel& model, int rows, int cols, std::uint64_t seed, std::uint32_t array_id);

  int rows() const { return static_cast<int>(m_w.rows()); }
  int cols() const { return static_cast<int>(m_w.cols()); }
  const WeightMatrix& weights() const { return m_w; }
  const WeightMatrix& reference() const { return m_r; }
  WeightMatrix effective_weights() const { return m_w - m_r; }
  const PulsedDeviceParams& device(int row, int col) const {
    return m_params[static_cast<std::size_t>(col) * static_cast<std::size_t>(rows()) + static_cast<std::size_t>(row)];
  }

  /// Sets device states (clipped to each device's bounds).
  void set_weights(const WeightMatrix& w);
  void set_reference(const WeightMatrix& r);
  /// Each device's symmetry point.
  WeightMatrix symmetry_points() const;
  /// r = each device's symmetry point, so that a device at rest reads as zero.
  void set_reference_to_symmetry_point() { m_r = symmetry_points(); }

  /// One pulse on device (row, col), direction +1 up / -1 down; pulse_id selects the c2c draw.
  void pulse(int row, int col, int direction, std::uint64_t pulse_id);
  /// Stochastic pulse-train update for each row of the batch in turn (expected change -lr x^T d).
  /// update_index keys the random draws; batches larger than 2^34 / (BL rows cols) vectors are rejected.
  void update(const BatchMatrix& x, const BatchMatrix& d, float lr, const PulseUpdateConfig& config,
              std::uint64_t update_index);

 private:
  const PulsedDeviceModel& m_model;
  std::uint64_t m_seed;
  std::uint32_t m_array_id;
  std::vector<PulsedDeviceParams> m_params;  ///< column-major, like the weight matrices
  WeightMatrix m_w;
  WeightMatrix m_r;
};

}  // namespace imcsim::hw
