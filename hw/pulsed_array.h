#pragma once
// An array of pulsed training devices with a per-weight reference device (w_eff = w - r), the stochastic
// pulse-train update of analog training (pulsed_update.cpp) and zero-shifting by pulsing (pulsed_zero_shift.cpp).
//
// Update of one vector pair (x over rows, d over columns) with learning rate lr and pulse_length BL:
// row i fires in each of the BL slots with probability p_i = c_x |x_i|, column j with q_j = c_d |d_j|;
// every coincidence applies one pulse to device (i, j) in the direction of -sign(x_i d_j). With
// c_x c_d = lr / (BL dw_min) the expected change is -lr x_i d_j (while p, q <= 1). Update management
// balances the two sides: c_x = sqrt(k d_max / x_max), c_d = sqrt(k x_max / d_max), k = lr / (BL dw_min),
// so both largest probabilities are equal; without it c_x = c_d = sqrt(k). Probabilities clip at 1.
// The expected number of device pulses of one pair is sum_ij BL p_i q_j, i.e. lr |x|_1 |d|_1 / dw_min while
// no probability clips.

#include <cstdint>
#include <vector>

#include "hw/device/pulsed_device.h"
#include "hw/pulse_update_buffers.h"
#include "hw/types.h"

namespace imcsim::hw {

/// Zero-shifting as a chip does it (Kim et al., arXiv:1907.10228): each device's symmetry point is found by
/// alternating up and down pulses and reading the state after the last of each, then the reference device is
/// programmed there, so a device at rest reads as zero.
struct ZeroShiftConfig {
  int pulse_pairs = 2000;                  ///< up/down pulse pairs applied before the states are read
  float reference_programming_std = 0.0f;  ///< programming error of the reference device (std, device units)
};

struct PulseUpdateConfig {
  int pulse_length = 31;  ///< BL, slots per update
  bool update_management = true;
  /// Shortens the train of small updates (aihwkit's update_bl_management): each vector pair uses
  /// BL_eff = min(BL, max(1, ceil(lr x_max d_max / dw_min))) slots, and k = lr / (BL_eff dw_min).
  bool bl_management = false;
};

/// What one update() did: the events the timed chip costs. A vector pair with x = 0 or d = 0 (or lr = 0) is
/// skipped and counts nothing.
struct PulseUpdateCounts {
  std::uint64_t slots = 0;          ///< slots used, the sum of BL_eff over the vector pairs
  std::uint64_t row_pulses = 0;     ///< row firings over all slots, whether or not a column fired with them
  std::uint64_t column_pulses = 0;  ///< column firings over all slots
  std::uint64_t coincidences = 0;   ///< device pulses: a row and a column firing in the same slot
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
  /// Every draw is addressed by its position (pair b, slot s < BL_eff, row i, column j; BL the nominal
  /// pulse_length, W = ceil(BL (rows + cols) / 4)). Firing decisions: row i in slot s is decision
  /// 4 W b + i BL_eff + s, column j decision 4 W b + (rows + j) BL_eff + s; decision n fires when a 24-bit
  /// uniform is below p 2^24, its top 8 bits byte n mod 4 of word n / 4 of stream (pulse_train, array,
  /// update_index) and, only where they tie with the threshold's, its low 16 bits the top half of word n of
  /// (pulse_train_tie, array, update_index). c2c normals: column j's for pair b at (b cols + j) BL rows + n of
  /// (pulse_cycle_noise, array, update_index), n = 0, 1, ... over the column's coincidences by slot, then row,
  /// drawn only where a pulse happens. Up to `threads` threads update disjoint column blocks (the pairs stay in
  /// order within each column), so the result is bit-identical for any thread count.
  PulseUpdateCounts update(const BatchMatrix& x, const BatchMatrix& d, float lr, const PulseUpdateConfig& config,
                           std::uint64_t update_index, int threads = 1);

  /// Zero-shifting by pulsing: every device gets config.pulse_pairs up/down pulse pairs (up first) from its
  /// current state, with c2c noise, and stays where they leave it. Once converged, a device alternates between
  /// two states that straddle its symmetry point; the found point is the mean of the states read (exactly) after
  /// the last up and the last down pulse, and the reference is programmed to it plus
  /// N(0, reference_programming_std), so w - r is minus half the last down step minus that programming error.
  /// With no pairs the found point is the current state. Returns the found points (compare them with
  /// symmetry_points()).
  /// Draws: the c2c normal of pulse k (up 2 p, down 2 p + 1 of pair p) of device (i, j) at position
  /// i 2 pulse_pairs + k of stream (zero_shift_pulse_noise, array, j), a function of the array and the
  /// device only; the programming error at j rows + i of (reference_programming, array, 0). Up to `threads`
  /// threads pulse disjoint columns (bit-identical for any thread count).
  WeightMatrix zero_shift(const ZeroShiftConfig& config, int threads = 1);

 private:
  const PulsedDeviceModel& m_model;
  std::uint64_t m_seed;
  std::uint32_t m_array_id;
  std::vector<PulsedDeviceParams> m_params;  ///< column-major, like the weight matrices
  WeightMatrix m_w;
  WeightMatrix m_r;
  std::vector<PulseUpdateBuffers> m_update_buffers;  ///< one per column block of update()
};

}  // namespace imcsim::hw
