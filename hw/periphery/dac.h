#pragma once
// Input DAC of a crossbar: signed, symmetric, pulse-width-modulated (HERMES: sign + 7-bit magnitude at
// 1 GHz; pulse timing and energy live in the TechnologyTable). Codes run from -max_code to +max_code with max_code =
// 2^(bits-1) - 1; inputs beyond
// +-input_range clip to the end codes.

#include <cstdint>

#include "base/random.h"
#include "hw/types.h"

namespace imcsim::hw {

struct DacConfig {
  int bits = 8;                      ///< including the sign bit; 2..16
  float input_range = 1.0f;          ///< |x| that maps to the full-scale code
  bool stochastic_rounding = false;  ///< round up with probability equal to the fractional part
  bool quantise = true;              ///< false: an ideal converter, levels = x / full scale, no rounding or clipping
};

class Dac {
 public:
  /// Validates the config; throws ParameterError naming "dac.<field>".
  explicit Dac(const DacConfig& config);

  int max_code() const { return m_max_code; }
  const DacConfig& config() const { return m_config; }

  /// Integer codes of x / scale (deterministic rounding to nearest, ties away from zero).
  void encode(const BatchMatrix& x, float scale,
              Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& codes) const;
  /// Replaces x (batch x n) by its normalised analog level code / max_code in [-1, 1], where code is the
  /// quantised x / scale_b (scale_b: entry b of row_scale, the full-scale input of vector b). With
  /// stochastic rounding, uniforms come from `rounding` at positions (read.first_image + b) * n + i.
  void convert(BatchMatrix& x, const Vector& row_scale, const RandomStream& rounding, const ReadId& read) const;

 private:
  DacConfig m_config;
  int m_max_code;
};

}  // namespace imcsim::hw
