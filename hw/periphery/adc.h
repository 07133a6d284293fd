#pragma once
// Output ADC of a crossbar, one per output line. Signed and symmetric like the DAC: codes from -max_code to
// +max_code, max_code = 2^(bits-1) - 1, lsb = output_range / max_code (normalised output units: an output of
// 1.0 is what one full-scale input on one full-scale weight produces).
//
// Transfer of column j for an analog value v:
//   v' = gain_j * v + offset_j * lsb + inl(v) + noise_std * lsb * xi
//   code = clamp(round(v' / lsb), -max_code, max_code)
// with gain_j = 1 + gain_error_std * N(0,1) and offset_j = offset_error_std * N(0,1) drawn once per column
// (mismatch), and inl(v) = nonlinearity * lsb * (u^3 - u), u = v / output_range (zero at 0 and at the ends,
// largest mid-range: an endpoint-fit integral nonlinearity). calibrate() measures each column once with a
// known ramp and stores the affine correction the local digital unit then applies; the cubic residual remains.

#include <cstdint>

#include "base/random.h"
#include "hw/periphery/adc_kind.h"
#include "hw/types.h"

namespace imcsim::hw {

struct AdcConfig {
  int bits = 8;                       ///< including sign; 2..16
  AdcKind kind = AdcKind::cco;        ///< sets the cost scaling (see TechnologyTable)
  float output_range = 1.0f;          ///< |analog output| that maps to the full-scale code
  float noise_std_lsb = 0.0f;         ///< additive conversion noise, in LSB
  float gain_error_std = 0.0f;        ///< relative per-column gain mismatch
  float offset_error_std_lsb = 0.0f;  ///< per-column offset mismatch, in LSB
  float nonlinearity_lsb = 0.0f;      ///< amplitude of the cubic INL, in LSB
  bool calibrate = true;              ///< one-time affine calibration of each column
  int calibration_points = 64;        ///< points of the calibration ramp
  bool quantise = true;               ///< false: no rounding or clipping (mismatch and noise still apply)
};

class Adc {
 public:
  /// Validates the config ("adc.<field>") and draws the per-column mismatch from `mismatch`.
  Adc(const AdcConfig& config, int columns, const RandomStream& mismatch);

  int max_code() const { return m_max_code; }
  float lsb() const { return m_lsb; }
  int columns() const { return static_cast<int>(m_gain.size()); }
  const AdcConfig& config() const { return m_config; }
  /// True when the columns carry mismatch or nonlinearity (and so need the calibration).
  bool has_errors() const;

  /// Fits code * lsb = a_j v + b_j per column over a noise-free ramp and stores the inverse; a no-op when
  /// config.calibrate is false or the ADC has no errors.
  void calibrate();
  /// Converts y (batch x columns) in place to digital values (code * lsb, then the calibration correction).
  /// Noise uses positions (read.first_image + b) * columns + j of `noise`.
  void convert(BatchMatrix& y, const RandomStream& noise, const ReadId& read) const;
  /// Integer codes for y without noise or correction (the ideal transfer plus mismatch).
  int code(float v, int column) const;

  const Vector& gain() const { return m_gain; }

 private:
  float distort(float v, int column) const;

  AdcConfig m_config;
  int m_max_code;
  float m_lsb;
  Vector m_gain;
  Vector m_offset_lsb;
  Vector m_corr_gain;  ///< digital = (code * lsb - corr_offset) * corr_gain
  Vector m_corr_offset;
};

}  // namespace imcsim::hw
