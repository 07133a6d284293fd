#include "sweep/sampling.h"

#include <numeric>
#include <utility>

#include "base/random.h"

namespace imcsim::sweep {

namespace {

/// Uniform in [0, 1) from one 32-bit word.
double unit(std::uint32_t word) { return (static_cast<double>(word) + 0.5) / 4294967296.0; }

/// The words of one stream of the sweep's seed: id_a tells the sampler's use apart, id_b the dimension.
std::vector<std::uint32_t> words(std::uint64_t seed, std::uint32_t use, int dim, std::size_t n) {
  std::vector<std::uint32_t> out(n);
  RandomStream({seed, RandomPurpose::design_sampling, use, static_cast<std::uint32_t>(dim)}).bits(out.data(), n);
  return out;
}

constexpr std::uint32_t uniform_use = 1;
constexpr std::uint32_t jitter_use = 2;
constexpr std::uint32_t permutation_use = 3;

}  // namespace

std::vector<std::vector<int>> grid_indices(const std::vector<int>& sizes) {
  std::vector<std::vector<int>> points;
  if (sizes.empty()) {
    return points;
  }
  std::size_t total = 1;
  for (const int s : sizes) {
    total *= static_cast<std::size_t>(s);
  }
  points.reserve(total);
  for (std::size_t p = 0; p < total; ++p) {
    std::vector<int> index(sizes.size());
    std::size_t rest = p;
    for (std::size_t k = sizes.size(); k-- > 0;) {
      index[k] = static_cast<int>(rest % static_cast<std::size_t>(sizes[k]));
      rest /= static_cast<std::size_t>(sizes[k]);
    }
    points.push_back(std::move(index));
  }
  return points;
}

std::vector<std::vector<double>> random_positions(int points, int dims, std::uint64_t seed) {
  std::vector<std::vector<double>> out(static_cast<std::size_t>(points), std::vector<double>(dims));
  for (int d = 0; d < dims; ++d) {
    const std::vector<std::uint32_t> w = words(seed, uniform_use, d, static_cast<std::size_t>(points));
    for (int p = 0; p < points; ++p) {
      out[p][d] = unit(w[p]);
    }
  }
  return out;
}

std::vector<std::vector<double>> latin_hypercube(int points, int dims, std::uint64_t seed) {
  std::vector<std::vector<double>> out(static_cast<std::size_t>(points), std::vector<double>(dims));
  for (int d = 0; d < dims; ++d) {
    // Fisher-Yates with one word per swap; the modulo bias of a 32-bit word over a few thousand strata is
    // negligible for sampling.
    std::vector<int> stratum(static_cast<std::size_t>(points));
    std::iota(stratum.begin(), stratum.end(), 0);
    const std::vector<std::uint32_t> swaps = words(seed, permutation_use, d, static_cast<std::size_t>(points));
    for (int k = points - 1; k > 0; --k) {
      std::swap(stratum[k], stratum[swaps[k] % static_cast<std::uint32_t>(k + 1)]);
    }
    const std::vector<std::uint32_t> jitter = words(seed, jitter_use, d, static_cast<std::size_t>(points));
    for (int p = 0; p < points; ++p) {
      out[p][d] = (stratum[p] + unit(jitter[p])) / points;
    }
  }
  return out;
}

}  // namespace imcsim::sweep
