#pragma once
// The per-core ADC full scale (compiler.adc_range = per_core, plain C++): the gain setting chosen at programming time
// from the outputs a core's calibration inputs give. The accuracy model (chip/analog_model.h) sets every tile's
// ADCs with it, the randomized linear algebra (rla/analog_matrix.h) its forward and transposed reads.

#include "hw/periphery/adc.h"
#include "hw/types.h"

namespace imcsim::chip {

/// The ADC full scale r <= largest that minimises the mean squared conversion error over `outputs`: clipping
/// (|y| - r)^2 above r plus rounding and conversion noise, (r / max_code)^2 (1/12 + noise_std_lsb^2).
float mse_optimal_range(const hw::BatchMatrix& outputs, const hw::AdcConfig& adc, float largest);

}  // namespace imcsim::chip
