#include "calibrate/line_search.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"

namespace imcsim::calibrate {

LineMinimum log_line_minimum(const std::function<double(double)>& f, double lo, double hi, int grid,
                             int refinements) {
  if (!(lo > 0.0) || !(hi >= lo) || grid < 2 || refinements < 0) {
    throw Error("log_line_minimum(): needs 0 < lo <= hi, grid >= 2, refinements >= 0");
  }
  LineMinimum best{lo, f(lo)};
  const auto consider = [&best](double x, double value) {
    if (value < best.value || (value == best.value && x < best.x)) best = {x, value};
  };
  const double a = std::log(lo), b = std::log(hi);
  const double step = (b - a) / (grid - 1);
  int best_index = 0;
  for (int i = 1; i < grid; ++i) {
    const double x = i == grid - 1 ? hi : std::exp(a + step * i);
    const double before = best.value;
    consider(x, f(x));
    if (best.value < before) best_index = i;
  }
  if (hi == lo) return best;
  // Golden section on log x between the best grid point's neighbours.
  double left = a + step * std::max(0, best_index - 1);
  double right = a + step * std::min(grid - 1, best_index + 1);
  constexpr double inverse_phi = 0.6180339887498949;
  double u = right - inverse_phi * (right - left), v = left + inverse_phi * (right - left);
  const auto eval = [&](double log_x) {
    const double x = std::clamp(std::exp(log_x), lo, hi);
    const double value = f(x);
    consider(x, value);
    return value;
  };
  if (refinements < 2) {
    if (refinements == 1) eval(u);
    return best;
  }
  double fu = eval(u), fv = eval(v);
  for (int used = 2; used < refinements; ++used) {
    if (fu <= fv) {
      right = v;
      v = u;
      fv = fu;
      u = right - inverse_phi * (right - left);
      fu = eval(u);
    } else {
      left = u;
      u = v;
      fu = fv;
      v = left + inverse_phi * (right - left);
      fv = eval(v);
    }
  }
  return best;
}

}  // namespace imcsim::calibrate
