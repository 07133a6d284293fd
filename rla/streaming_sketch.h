#pragma once
// The in-memory streaming sketch (docs/rla.md; inferred from the patents of the authors of arXiv:2401.13754): a
// linear sketch S = G^T A (l x n, G an m x l Gaussian matrix drawn from the seed) of a stream of rows a_t,
// accumulated on the chip's pulsed training devices (its `training_device`, hw/pulsed_array.h) as rank-1 updates
// eta a_t g_t^T of S^T, stored n x l and tiled over cores like a layer. Devices are bounded, so the stream is cut
// into windows of W rows and two banks of arrays alternate: one accumulates a window while the other, which holds
// the previous window, is read out (l transposed reads of one-hot inputs through the chip's periphery, hw/crossbar.h:
// each gives one column of S^T, eta times) into a digital accumulator and reset to its symmetry point by pulsing
// (hw::PulsedArray::zero_shift: up/down pulse pairs, the reference programmed at the point found). Then they swap.
// Both banks start from zero-shifting too. (A device whose up and down steps are equal everywhere, as the ideal
// chip's constant-step device, has no symmetry point: zero-shifting leaves it where it is and only moves the
// reference, so its states random-walk from window to window.)
//
// eta, fixed once from the first window: at most w_max / (2 * 3 c), c its largest column norm, so a window's
// entries (Gaussian with standard deviation the window's column norm) stay within half the device range at three
// sigma; and at most BL dw_min / (2 * 3 x_max), x_max its largest |value|, so that one update's expected change
// eta x g (|g| < 3) stays within half of the BL dw_min a pulse train can give (larger ones clip its probabilities).
// Baselines: the same sketch with the same G in FP64, and Frequent Directions with l rows (rla/frequent_directions.h).
//
// Cost (the chip's command costs, cores/core_costs.h, per tile; the tiles of a bank work at once): a window's update
// is a pulsed_update of W sample updates with the activity the update measured; the read-out l mvm_transposed
// reads; the reset 2 x pulse_pairs full-array pulses (a pulsed_update of that many slots in which every row and
// column fires), two reads of the states and a programming of the reference devices. A window's time is the longer
// of the accumulating bank's update and the other bank's read-out and reset; static power of the two banks' cores
// over the whole time is added. The digital sketch costs m n l multiply-accumulates.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include <Eigen/Core>

#include "chip/chip_config.h"
#include "rla/digital_baseline.h"

namespace imcsim::rla {

struct StreamingSketchOptions {
  int sketch_rows = 50;    ///< l (at most one core's columns)
  int window_rows = 1000;  ///< W
  int pulse_length = 31;   ///< BL of each rank-1 update
  std::uint64_t seed = 1;  ///< G and the chip's noise
  int threads = 1;
};

struct StreamingSketch {
  Eigen::MatrixXd analog;   ///< l x n, read from the arrays and accumulated digitally
  Eigen::MatrixXd digital;  ///< G^T A in FP64
  int windows = 0;
  int tiles_per_bank = 0;
  double sample_updates = 0;
  double coincidences = 0;  ///< device pulses of the updates
  double reset_pulses = 0;  ///< device pulses of the resets
  double time_ns = 0;
  double energy_uj = 0;  ///< dynamic, all commands
  double static_energy_uj = 0;
  nlohmann::ordered_json energy_breakdown_uj;  ///< update, read-out, reset (dynamic), static
  double digital_macs = 0;                     ///< the digital sketch's
  double eta = 0;                              ///< the sketch's scale on the devices
};

/// ParameterError naming rla.sketch_rows, rla.window_rows or rla.pulse_length for values `a` or the chip cannot take.
void check_streaming_options(const chip::ChipConfig& chip, const StreamingSketchOptions& o, Eigen::Index rows,
                             Eigen::Index cols);

/// The sketch of `a` (m x n) on `chip`; progress(done, total) after every window.
StreamingSketch streaming_sketch(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                 const StreamingSketchOptions& options,
                                 const std::function<void(int, int)>& progress = {});

}  // namespace imcsim::rla
