#pragma once
// The default DAC input range of a layer (plain C++): what the digital unit's requantisation maps onto the DAC's
// full scale when no range calibration gives one (chip/range_calibration.h). The accuracy model uses it for every
// tile, the calibration search starts from it.

#include "hw/types.h"

namespace imcsim::chip {

/// The fraction of calibration inputs inside the DAC's range: the top 1 % clip. On the zoo's cnn-hwa at 1 h this
/// gains about half a point of top-1 over the largest |input| (a 99th percentile: 0.8823, 99.9th: 0.8777,
/// largest: 0.8767, on 3,000 test images).
constexpr float input_percentile = 0.99f;

/// The magnitude below which `fraction` of the entries of `x` lie (1: the largest; 1 for an empty x).
float abs_percentile(const hw::BatchMatrix& x, float fraction);

}  // namespace imcsim::chip
