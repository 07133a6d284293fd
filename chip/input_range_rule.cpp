#include "chip/input_range_rule.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace imcsim::chip {

float abs_percentile(const hw::BatchMatrix& c, float fraction) {
  if (c.size() == 0) return 1.0f;
  std::vector<float> v(c.data(), c.data() + c.size());
  for (auto& x : v) x = std::abs(x);
  const auto k = static_cast<std::size_t>(std::min<double>(v.size() - 1, std::floor(fraction * (v.size() - 1))));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace imcsim::chip
