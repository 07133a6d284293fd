#include "base/random.h"

#include <Random123/philox.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <string>

#include "base/errors.h"

namespace imcsim {

namespace {

using Philox = r123::Philox4x32;
constexpr std::size_t words_per_block = 4;
constexpr std::size_t chunk_blocks = 512;
constexpr std::size_t chunk_words = chunk_blocks * words_per_block;

void check_range(std::uint64_t first, std::size_t n) {
  if (first > RandomStream::capacity || n > RandomStream::capacity - first) {
    throw Error("random stream request [" + std::to_string(first) + ", +" + std::to_string(n) +
                ") exceeds the stream capacity of 2^34 values");
  }
}

/// Fills `words` with the raw output of blocks [block0, block0 + blocks).
void generate_blocks(const StreamKey& key, std::uint64_t block0, std::size_t blocks, std::uint32_t* words) {
  const Philox::key_type k = {{static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)}};
  Philox::ctr_type c = {{0, static_cast<std::uint32_t>(key.purpose), key.id_a, key.id_b}};
  Philox philox;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint64_t block = block0 + b;
    c[0] = static_cast<std::uint32_t>(block);  // capacity keeps block < 2^32
    const Philox::ctr_type r = philox(c, k);
    std::copy(r.begin(), r.end(), words + b * words_per_block);
  }
}

/// Maps raw words to floats in (0, 1]: 24 significant bits, never zero (log(0) is avoided).
void words_to_uniform(const std::uint32_t* words, float* out, std::size_t n) {
  constexpr float scale = 1.0f / 16777216.0f;
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>((words[i] >> 8) + 1u) * scale;
}

/// Box-Muller on whole blocks: words (4b, 4b+1) give normals 4b and 4b+1, (4b+2, 4b+3) give 4b+2 and 4b+3.
void words_to_normal(const std::uint32_t* words, float* out, std::size_t n_words) {
  const std::size_t pairs = n_words / 2;
  std::array<float, chunk_words / 2> u_radius;
  std::array<float, chunk_words / 2> u_angle;
  for (std::size_t p = 0; p < pairs; ++p) {
    u_radius[p] = static_cast<float>((words[2 * p] >> 8) + 1u) * (1.0f / 16777216.0f);
    u_angle[p] = static_cast<float>(words[2 * p + 1] >> 8) * (1.0f / 16777216.0f) - 0.5f;
  }
  // Fixed maximum size: no heap allocation per call.
  using Array = Eigen::Array<float, Eigen::Dynamic, 1, 0, static_cast<int>(chunk_words / 2), 1>;
  const Eigen::Map<const Array> ur(u_radius.data(), static_cast<Eigen::Index>(pairs));
  const Eigen::Map<const Array> ua(u_angle.data(), static_cast<Eigen::Index>(pairs));
  constexpr float two_pi = 6.283185307179586f;
  const Array radius = (-2.0f * ur.log()).sqrt();
  const Array angle = two_pi * ua;
  const Array c = angle.cos();
  const Array s = angle.sin();
  for (std::size_t p = 0; p < pairs; ++p) {
    out[2 * p] = radius[static_cast<Eigen::Index>(p)] * c[static_cast<Eigen::Index>(p)];
    out[2 * p + 1] = radius[static_cast<Eigen::Index>(p)] * s[static_cast<Eigen::Index>(p)];
  }
}

/// Generates values [first, first + n) chunk by chunk; `convert(words, values, count)` turns whole blocks of
/// raw words into values of the requested distribution.
template <typename Convert, typename T>
void generate(const StreamKey& key, T* out, std::size_t n, std::uint64_t first, Convert convert) {
  check_range(first, n);
  std::array<std::uint32_t, chunk_words> words;
  std::array<T, chunk_words> values;
  std::uint64_t pos = first;
  const std::uint64_t end = first + n;
  while (pos < end) {
    const std::uint64_t block0 = pos / words_per_block;
    const std::uint64_t block_end = std::min<std::uint64_t>((end + words_per_block - 1) / words_per_block,
                                                            block0 + chunk_blocks);
    const auto blocks = static_cast<std::size_t>(block_end - block0);
    generate_blocks(key, block0, blocks, words.data());
    convert(words.data(), values.data(), blocks * words_per_block);
    const std::uint64_t chunk_first = block0 * words_per_block;
    const std::uint64_t take_end = std::min<std::uint64_t>(end, chunk_first + blocks * words_per_block);
    std::copy(values.begin() + static_cast<std::ptrdiff_t>(pos - chunk_first),
              values.begin() + static_cast<std::ptrdiff_t>(take_end - chunk_first), out + (pos - first));
    pos = take_end;
  }
}

}  // namespace

void RandomStream::bits(std::uint32_t* out, std::size_t n, std::uint64_t first) const {
  generate(m_key, out, n, first, [](const std::uint32_t* w, std::uint32_t* v, std::size_t count) {
    std::copy(w, w + count, v);
  });
}

void RandomStream::uniform(float* out, std::size_t n, std::uint64_t first) const {
  generate(m_key, out, n, first, words_to_uniform);
}

void RandomStream::normal(float* out, std::size_t n, std::uint64_t first) const {
  generate(m_key, out, n, first, words_to_normal);
}

}  // namespace imcsim
