#include "chip/adc_range_rule.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace imcsim::chip {

float mse_optimal_range(const hw::BatchMatrix& outputs, const hw::AdcConfig& adc, float largest) {
  std::vector<float> v(outputs.data(), outputs.data() + outputs.size());
  for (auto& y : v) y = std::abs(y);
  std::sort(v.begin(), v.end());
  const double max_code = std::ldexp(1.0, adc.bits - 1) - 1.0;
  const double per_lsb2 = (1.0 / 12.0 + double(adc.noise_std_lsb) * adc.noise_std_lsb) / (max_code * max_code);
  // Suffix sums of y and y^2 over the sorted magnitudes give the clipping error of any r in O(log n).
  std::vector<double> tail_sum(v.size() + 1, 0.0), tail_sq(v.size() + 1, 0.0);
  for (std::size_t i = v.size(); i-- > 0;) {
    tail_sum[i] = tail_sum[i + 1] + v[i];
    tail_sq[i] = tail_sq[i + 1] + double(v[i]) * v[i];
  }
  float best = largest;
  double best_error = std::numeric_limits<double>::infinity();
  constexpr int candidates = 200;
  for (int c = 1; c <= candidates; ++c) {
    const double r = largest * c / candidates;
    const auto first = static_cast<std::size_t>(std::upper_bound(v.begin(), v.end(), r) - v.begin());
    const double clipped = double(v.size() - first);
    const double clip_error = tail_sq[first] - 2.0 * r * tail_sum[first] + clipped * r * r;
    const double error = clip_error / double(v.size()) + r * r * per_lsb2;
    if (error < best_error) {
      best_error = error;
      best = static_cast<float>(r);
    }
  }
  return best;
}

}  // namespace imcsim::chip
