#pragma once
// A matrix held in the chip's inference arrays for randomized linear algebra (docs/rla.md), read both ways:
// forward (rows drive, columns read: y = x M) and transposed (columns drive, rows read: e = d M^T), the two reads
// of a multi-way array, through the chip's periphery (hw/crossbar.h: DAC, read and output noise, ADC).
//
// Tiling: as the compiler tiles a weight layer without replicas (firmware/model_mapping.h): the tile of core c is
// programmed into that core's devices (hw::ProgrammedArray, array id c; its programming noise, drift exponents
// and stuck devices), and read t_s seconds after programming (drift plus accumulated read noise). Partial sums of
// the row tiles (forward) or column tiles (transposed) are added digitally. No replicas: two copies of a matrix
// would be two different random matrices (each its own programming noise), which the range finder cannot use.
//
// Ranges, per direction, as the accuracy model sets them (chip/analog_model.h): each read call divides its inputs
// by the 99th percentile of their magnitudes (the digital unit's requantisation onto the DAC range;
// chip/input_range_rule.h) and multiplies the outputs back; with compiler.adc_range = per_core every tile's ADCs
// (column ADCs for forward reads, row ADCs for transposed ones) get the full scale that minimises the conversion
// error over the calibration vectors' outputs right after programming (chip/adc_range_rule.h). Drift compensation
// (noise.drift_compensation) reads the calibration vectors right after programming and at t_s and scales each
// tile's outputs by the ratio (hw/drift_compensation.h).
//
// Noise keys: a read call's vector b is image first_vector + b of pass (programming, `pass`); results do not
// depend on how a caller cuts a batch or on the thread count. The programming draw is keyed by `programming`, so a
// block programmed again (the same data after another) gets fresh programming noise, and its reads fresh read
// noise. Passes below 65,520 and programmings below 65,536 (imcsim::Error beyond).
//
// Contract: the matrix must fit the chip (ParameterError("matrix") naming the cores it needs otherwise); reads
// are const and thread-safe.

#include <cstdint>
#include <memory>
#include <vector>

#include "chip/chip_config.h"
#include "firmware/model_mapping.h"
#include "hw/crossbar.h"
#include "hw/device/inference_device.h"
#include "hw/programmed_array.h"
#include "hw/types.h"

namespace imcsim::rla {

class AnalogMatrix {
 public:
  /// Programs `m` (rows x cols) at time 0 and prepares reads at `t_s`. `forward_calibration` (vectors x rows) and
  /// `transposed_calibration` (vectors x cols) are inputs like the ones each direction will read (the ADC ranges
  /// and drift probes); an empty one leaves that direction at adc.output_range and uncompensated.
  AnalogMatrix(const chip::ChipConfig& config, const hw::WeightMatrix& m, const hw::BatchMatrix& forward_calibration,
               const hw::BatchMatrix& transposed_calibration, double t_s, std::uint32_t programming = 0);
  ~AnalogMatrix();
  AnalogMatrix(AnalogMatrix&&) noexcept;

  int rows() const { return m_rows; }
  int cols() const { return m_cols; }
  /// x: vectors x rows -> vectors x cols.
  /// Up to `threads` threads read disjoint blocks of vectors (the same result for any count).
  hw::BatchMatrix forward(const hw::BatchMatrix& x, std::uint32_t pass, std::uint64_t first_vector = 0,
                          int threads = 1) const;
  /// d: vectors x cols -> vectors x rows.
  hw::BatchMatrix transposed(const hw::BatchMatrix& d, std::uint32_t pass, std::uint64_t first_vector = 0,
                             int threads = 1) const;
  const firmware::LayerPlacement& placement() const { return m_placement; }

 private:
  struct Tile;
  hw::BatchMatrix read(const hw::BatchMatrix& x, bool forward, std::uint32_t pass, std::uint64_t first_vector,
                       int threads) const;

  int m_rows = 0;
  int m_cols = 0;
  firmware::LayerPlacement m_placement;
  std::uint32_t m_programming = 0;
  std::vector<Tile> m_tiles;
};

/// The tiling an rows x cols matrix gets on the chip (ParameterError("matrix") when it does not fit).
firmware::LayerPlacement matrix_placement(const chip::ChipConfig& config, int rows, int cols);

}  // namespace imcsim::rla
