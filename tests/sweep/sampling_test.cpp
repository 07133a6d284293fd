// Where sweep points lie (sweep/sampling.h): grid order, Latin-hypercube strata, seeds.

#include "sweep/sampling.h"

#include <gtest/gtest.h>

#include <set>

namespace imcsim::sweep {
namespace {

TEST(Sampling, GridIsEveryCombinationWithTheLastParameterFastest) {
  const auto points = grid_indices({2, 3});
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0], (std::vector<int>{0, 0}));
  EXPECT_EQ(points[1], (std::vector<int>{0, 1}));
  EXPECT_EQ(points[3], (std::vector<int>{1, 0}));
  EXPECT_EQ(points[5], (std::vector<int>{1, 2}));
  EXPECT_TRUE(grid_indices({}).empty());
}

TEST(Sampling, LatinHypercubeHitsEveryStratumOfEveryDimensionOnce) {
  const int n = 37;
  const auto points = latin_hypercube(n, 3, 11);
  ASSERT_EQ(points.size(), static_cast<std::size_t>(n));
  for (int d = 0; d < 3; ++d) {
    std::set<int> strata;
    for (const auto& p : points) {
      ASSERT_GE(p[d], 0.0);
      ASSERT_LT(p[d], 1.0);
      strata.insert(static_cast<int>(p[d] * n));
    }
    EXPECT_EQ(strata.size(), static_cast<std::size_t>(n)) << "dimension " << d;
  }
}

TEST(Sampling, TheSeedDecidesThePointsAndNothingElse) {
  EXPECT_EQ(latin_hypercube(8, 2, 5), latin_hypercube(8, 2, 5));
  EXPECT_NE(latin_hypercube(8, 2, 5), latin_hypercube(8, 2, 6));
  EXPECT_EQ(random_positions(8, 2, 5), random_positions(8, 2, 5));
  EXPECT_NE(random_positions(8, 2, 5), random_positions(8, 2, 6));
  // The dimensions are independent streams, not copies of one.
  const auto p = random_positions(16, 2, 5);
  int same = 0;
  for (const auto& x : p) same += x[0] == x[1] ? 1 : 0;
  EXPECT_EQ(same, 0);
}

}  // namespace
}  // namespace imcsim::sweep
