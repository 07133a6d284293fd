#pragma once
// Shared helpers of the hw tests: seeded random matrices.

#include "base/random.h"
#include "hw/types.h"

namespace imcsim::hw::test {

inline WeightMatrix normal_weights(int rows, int cols, float std, std::uint32_t id) {
  WeightMatrix w(rows, cols);
  RandomStream({99, RandomPurpose::test_input, id, 0}).normal(w.data(), static_cast<std::size_t>(w.size()));
  return w * std;
}

/// Uniform in [lo, hi).
inline BatchMatrix uniform_batch(int batch, int width, float lo, float hi, std::uint32_t id) {
  BatchMatrix x(batch, width);
  RandomStream({99, RandomPurpose::test_input, id, 1}).uniform(x.data(), static_cast<std::size_t>(x.size()));
  return (x.array() * (hi - lo) + lo).matrix();
}

}  // namespace imcsim::hw::test
