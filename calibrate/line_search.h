#pragma once
// One-dimensional minimisation of a calibration objective over a range of a positive quantity (a DAC input range,
// a conductance-range factor, an ADC full scale), searched on a log scale: the objectives of range calibration are
// step-like (quantisation) and may have several local minima, so a coarse log grid first finds the basin and a
// golden-section search then refines between the best grid point's neighbours.
//
// Contract: `f` is called only with values in [lo, hi], at most grid + refinements times, in an order that depends
// only on the values it returns (deterministic); the result is the best point evaluated (ties: the smaller x).

#include <functional>

namespace imcsim::calibrate {

struct LineMinimum {
  double x = 0;
  double value = 0;
};

/// 0 < lo <= hi; grid >= 2 log-spaced points with both ends, then `refinements` >= 0 golden-section steps.
LineMinimum log_line_minimum(const std::function<double(double)>& f, double lo, double hi, int grid = 9,
                             int refinements = 12);

}  // namespace imcsim::calibrate
