#pragma once
// One analog crossbar with its periphery: the same code computes one vector or a batch.
//
// forward (rows drive, columns read): y = x W, x is batch x rows, W is rows x cols (rows = inputs).
// backward (columns drive, rows read): e = d W^T, the transposed read of the training pass; the column
// scales multiply d before its DAC, so with input_scaling fixed d * scale must fit the DAC range.
// A read goes through the DAC (quantised, clipped inputs), the array (normalised weights), per-read noise
// referred to the outputs, and the ADC; the digital side then rescales to weight units. Per-read noise is
//   y_i += sqrt(pcm_read_noise^2 * sum_j |w_ij| x_j^2 + output_noise_std^2) * N(0,1)
// i.e. PCM-read-type weight noise plus additive output noise, drawn as one normal per output: O(outputs)
// random numbers per read, independent of the number of inputs.
//
// Contract: set_weights() takes normalised weights in [-1, 1] (what the devices hold) and the per-column
// scales that turn them back into weights; reads are const and thread-safe, and their noise depends only on
// (seed, array id, ReadId), never on batching or the calling thread.

#include <cstdint>

#include "base/name_table.h"
#include "hw/periphery/adc.h"
#include "hw/periphery/dac.h"
#include "hw/types.h"

namespace imcsim::hw {

/// noise.input_scaling: the DAC full scale of a read.
enum class InputScaling {
  fixed,    ///< dac.input_range
  abs_max,  ///< per input vector, its max |x| (noise management)
};
/// fixed, abs_max.
const NameTable<InputScaling>& input_scaling_names();

struct CrossbarConfig {
  int rows = 256;
  int cols = 256;
  DacConfig dac;
  AdcConfig adc;
  float output_noise_std = 0.0f;  ///< additive per-read output noise, normalised output units
  float pcm_read_noise = 0.0f;    ///< PCM-read-type weight noise coefficient
  InputScaling input_scaling = InputScaling::fixed;
};

class Crossbar {
 public:
  /// Validates the config ("crossbar.<field>", "dac.<field>", "adc.<field>") and calibrates the ADCs.
  Crossbar(const CrossbarConfig& config, std::uint64_t seed, std::uint32_t array_id);

  /// Stores a rows_used x cols_used block (at most rows x cols) of normalised weights and its column scales.
  void set_weights(const WeightMatrix& normalised, const Vector& column_scales);
  BatchMatrix forward(const BatchMatrix& x, const ReadId& read) const;
  BatchMatrix backward(const BatchMatrix& d, const ReadId& read) const;
  /// As forward(), writing into y (resized as needed; no allocation when y already has the shape).
  void forward(const BatchMatrix& x, const ReadId& read, BatchMatrix& y) const;

  const CrossbarConfig& config() const { return m_config; }
  const Dac& dac() const { return m_dac; }
  const Vector& column_scales() const { return m_column_scales; }

 private:
  enum class Direction : std::uint32_t { forward = 0, backward = 1 };
  /// y = DAC(x) * w (+ noise) through `adc`, in normalised units, then times the per-vector input scale.
  /// Temporaries live in a per-thread workspace, so repeated reads of one shape do not allocate.
  void read(const BatchMatrix& x, const WeightMatrix& w, const WeightMatrix& abs_w, const Adc& adc, Direction direction,
            const ReadId& read, BatchMatrix& y) const;
  StreamKey key(RandomPurpose purpose, Direction direction, const ReadId& read) const;

  CrossbarConfig m_config;
  std::uint64_t m_seed;
  std::uint32_t m_array_id;
  Dac m_dac;
  Adc m_column_adc;
  Adc m_row_adc;
  WeightMatrix m_weights;
  WeightMatrix m_weights_t;
  WeightMatrix m_abs_weights;
  WeightMatrix m_abs_weights_t;
  Vector m_column_scales;
};

}  // namespace imcsim::hw
