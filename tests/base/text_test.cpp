// Tests of the text helpers (base/text.h): the shortest float text reads back as the same float.

#include "base/text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace imcsim {
namespace {

TEST(ShortestFloatText, IsTheShortestDecimalThatReadsBackExactly) {
  EXPECT_EQ(shortest_float_text(0.1f), "0.1");
  EXPECT_EQ(shortest_float_text(1.0f), "1");
  EXPECT_EQ(shortest_float_text(1.0f / 3.0f), "0.33333334");
  EXPECT_EQ(shortest_float_text(1e-6f), "1e-06");
  for (const float v : {0.95294124f, 0.99999994f, 3.4e-7f, std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::denorm_min()}) {
    EXPECT_EQ(std::strtof(shortest_float_text(v).c_str(), nullptr), v) << shortest_float_text(v);
  }
}

}  // namespace
}  // namespace imcsim
