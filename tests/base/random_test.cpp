#include "base/random.h"

#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "base/errors.h"

namespace imcsim {
namespace {

TEST(RandomStream, BitsEqualRandom123Philox4x32) {
  const StreamKey key{0x123456789abcdef0ull, RandomPurpose::read_noise, 7, 11};
  std::vector<std::uint32_t> words(4 * 1000 + 3);
  RandomStream(key).bits(words.data(), words.size(), 0);
  r123::Philox4x32 philox;
  const r123::Philox4x32::key_type k = {
      {static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)}};
  for (std::uint32_t block = 0; block < 1000; ++block) {
    const r123::Philox4x32::ctr_type c = {{block, static_cast<std::uint32_t>(key.purpose), key.id_a, key.id_b}};
    const r123::Philox4x32::ctr_type r = philox(c, k);
    for (int w = 0; w < 4; ++w) ASSERT_EQ(words[4 * block + w], r[w]) << "block " << block << " word " << w;
  }
}

TEST(RandomStream, ValuesDependOnlyOnPosition) {
  const RandomStream stream({42, RandomPurpose::output_noise, 3, 0});
  std::vector<float> whole(10000);
  stream.normal(whole.data(), whole.size(), 0);
  for (const std::size_t first : {0ul, 1ul, 3ul, 4ul, 2047ul, 2048ul, 5001ul}) {
    std::vector<float> part(1234);
    stream.normal(part.data(), part.size(), first);
    for (std::size_t i = 0; i < part.size(); ++i) ASSERT_EQ(part[i], whole[first + i]) << "first " << first;
  }
  std::vector<float> u_whole(5000), u_part(17);
  stream.uniform(u_whole.data(), u_whole.size(), 0);
  stream.uniform(u_part.data(), u_part.size(), 4097);
  for (std::size_t i = 0; i < u_part.size(); ++i) ASSERT_EQ(u_part[i], u_whole[4097 + i]);
  // Raw words: parts that start and end inside a block, within one block, and run over several chunks.
  std::vector<std::uint32_t> b_whole(12000);
  stream.bits(b_whole.data(), b_whole.size(), 0);
  for (const std::size_t first : {0ul, 1ul, 2ul, 3ul, 5ul, 2047ul, 2049ul}) {
    for (const std::size_t n : {1ul, 2ul, 3ul, 5ul, 1234ul, 9000ul}) {
      std::vector<std::uint32_t> part(n);
      stream.bits(part.data(), n, first);
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(part[i], b_whole[first + i]) << "first " << first << " n " << n;
    }
  }
}

TEST(RandomStream, NormalRunsGiveTheValuesAtTheirPositions) {
  const RandomStream stream({9, RandomPurpose::pulse_cycle_noise, 2, 5});
  std::vector<float> whole(12000);
  stream.normal(whole.data(), whole.size(), 0);
  // Every start and end mod 4, single values, a repeat, runs that share blocks and pairs, descending order, empty
  // runs, a run longer than one chunk, and more runs than fit in one chunk.
  std::vector<RandomStream::Run> runs;
  for (std::uint64_t k = 0; k < 700; ++k) runs.push_back({(k * 7919) % 11000, static_cast<std::size_t>(k % 9)});
  runs.push_back({3, 1});
  runs.push_back({3, 1});
  runs.push_back({101, 39});
  runs.push_back({140, 2});
  runs.push_back({41, 0});
  runs.push_back({5, 5000});
  for (std::uint64_t k = 41; k > 30; --k) runs.push_back({k, 1});
  std::vector<float> expected;
  for (const RandomStream::Run& r : runs) {
    expected.insert(expected.end(), whole.begin() + static_cast<std::ptrdiff_t>(r.first),
                    whole.begin() + static_cast<std::ptrdiff_t>(r.first + r.n));
  }
  std::vector<float> values(expected.size());
  stream.normal_runs(runs.data(), runs.size(), values.data());
  for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(values[i], expected[i]) << "value " << i;
  const RandomStream::Run far{RandomStream::capacity - 3, 3};
  std::vector<float> at_far(3), by_range(3);
  stream.normal_runs(&far, 1, at_far.data());
  stream.normal(by_range.data(), 3, far.first);
  EXPECT_EQ(at_far, by_range);
  const RandomStream::Run beyond{RandomStream::capacity - 1, 2};
  EXPECT_THROW(stream.normal_runs(&beyond, 1, at_far.data()), Error);
}

TEST(RandomStream, UniformIsInUnitIntervalWithRightMoments) {
  std::vector<float> u(1 << 20);
  RandomStream({1, RandomPurpose::user, 0, 0}).uniform(u.data(), u.size());
  double sum = 0, sq = 0;
  for (const float x : u) {
    ASSERT_GT(x, 0.0f);
    ASSERT_LE(x, 1.0f);
    sum += x;
    sq += x * x;
  }
  const double mean = sum / u.size();
  EXPECT_NEAR(mean, 0.5, 0.002);
  EXPECT_NEAR(sq / u.size() - mean * mean, 1.0 / 12.0, 0.001);
}

TEST(RandomStream, NormalHasStandardMoments) {
  std::vector<float> z(1 << 20);
  RandomStream({5, RandomPurpose::user, 1, 2}).normal(z.data(), z.size());
  double m1 = 0, m2 = 0, m4 = 0;
  std::size_t beyond_3 = 0;
  for (const float x : z) {
    ASSERT_TRUE(std::isfinite(x));
    m1 += x;
    m2 += x * x;
    m4 += static_cast<double>(x) * x * x * x;
    beyond_3 += std::fabs(x) > 3.0f;
  }
  const double n = static_cast<double>(z.size());
  EXPECT_NEAR(m1 / n, 0.0, 0.005);
  EXPECT_NEAR(m2 / n, 1.0, 0.005);
  EXPECT_NEAR(m4 / n, 3.0, 0.05);
  EXPECT_NEAR(beyond_3 / n, 0.0027, 0.0003);  // two-sided tail beyond 3 sigma
}

TEST(RandomStream, DifferentKeysAreUncorrelated) {
  const std::size_t n = 1 << 18;
  std::vector<float> a(n), b(n), c(n);
  RandomStream({9, RandomPurpose::programming_noise, 0, 0}).normal(a.data(), n);
  RandomStream({9, RandomPurpose::drift_exponent, 0, 0}).normal(b.data(), n);
  RandomStream({9, RandomPurpose::programming_noise, 0, 1}).normal(c.data(), n);
  const double ab = std::inner_product(a.begin(), a.end(), b.begin(), 0.0) / n;
  const double ac = std::inner_product(a.begin(), a.end(), c.begin(), 0.0) / n;
  EXPECT_NEAR(ab, 0.0, 0.01);
  EXPECT_NEAR(ac, 0.0, 0.01);
  EXPECT_NE(a[0], c[0]);
}

TEST(RandomStream, RejectsRequestsBeyondCapacity) {
  float x = 0;
  EXPECT_THROW(RandomStream({}).normal(&x, 1, RandomStream::capacity), Error);
  EXPECT_NO_THROW(RandomStream({}).normal(&x, 1, RandomStream::capacity - 1));
}

}  // namespace
}  // namespace imcsim
