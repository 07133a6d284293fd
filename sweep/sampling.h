#pragma once
// Where the points of a sweep lie in its parameter space (docs/sweep.md). Every sampler here returns, per point
// and per parameter, a position in the unit interval [0, 1) or an index into a parameter's list of values; the
// sweep spec turns those into config values. All of it is a pure function of its arguments and the seed
// (counter-based streams, base/random.h), so a sweep's points are the same on every machine and every rank.

#include <cstdint>
#include <vector>

namespace imcsim::sweep {

/// The Cartesian product of lists of `sizes[k]` values: every combination once, as value indices, the last
/// parameter changing fastest. An empty `sizes` gives no point.
std::vector<std::vector<int>> grid_indices(const std::vector<int>& sizes);

/// `points` independent uniform positions in [0, 1)^dims.
std::vector<std::vector<double>> random_positions(int points, int dims, std::uint64_t seed);

/// A Latin hypercube of `points` positions in [0, 1)^dims: along every dimension each of the `points` equal
/// strata holds exactly one position (placed uniformly at random within it), the strata paired by independent
/// random permutations.
std::vector<std::vector<double>> latin_hypercube(int points, int dims, std::uint64_t seed);

}  // namespace imcsim::sweep
