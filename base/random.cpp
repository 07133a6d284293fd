#include "base/random.h"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <string>

#include "base/errors.h"

namespace imcsim {

namespace {

constexpr std::size_t words_per_block = 4;
constexpr std::size_t chunk_blocks = 512;
constexpr std::size_t chunk_words = chunk_blocks * words_per_block;

void check_range(std::uint64_t first, std::size_t n) {
  if (first > RandomStream::capacity || n > RandomStream::capacity - first) {
    throw Error("random stream request [" + std::to_string(first) + ", +" + std::to_string(n) +
                ") exceeds the stream capacity of 2^34 values");
  }
}

/// Philox4x32-10 of the given block counters, blocks <= chunk_blocks. The same
/// algorithm and constants as Random123's r123::Philox4x32 (bit-identical output, checked by the tests),
/// written structure-of-arrays so the compiler vectorises the 32 x 32 -> 64-bit multiplies across blocks:
/// the scalar library call costs more than the MVM noise it feeds. The counter is {block, purpose, id_a,
/// id_b}, the key the 64-bit seed.
void philox_blocks(const StreamKey& key, const std::uint32_t* counters, std::size_t blocks, std::uint32_t* words) {
  constexpr std::uint32_t m0 = 0xD2511F53u;
  constexpr std::uint32_t m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u;
  constexpr std::uint32_t w1 = 0xBB67AE85u;
  alignas(64) std::uint32_t x0[chunk_blocks];
  alignas(64) std::uint32_t x1[chunk_blocks];
  alignas(64) std::uint32_t x2[chunk_blocks];
  alignas(64) std::uint32_t x3[chunk_blocks];
  for (std::size_t b = 0; b < blocks; ++b) {
    x0[b] = counters[b];
    x1[b] = static_cast<std::uint32_t>(key.purpose);
    x2[b] = key.id_a;
    x3[b] = key.id_b;
  }
  auto k0 = static_cast<std::uint32_t>(key.seed);
  auto k1 = static_cast<std::uint32_t>(key.seed >> 32);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += w0;
      k1 += w1;
    }
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * x0[b];
      const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * x2[b];
      const std::uint32_t next0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1[b] ^ k0;
      const std::uint32_t next2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3[b] ^ k1;
      x1[b] = static_cast<std::uint32_t>(p1);
      x3[b] = static_cast<std::uint32_t>(p0);
      x0[b] = next0;
      x2[b] = next2;
    }
  }
  for (std::size_t b = 0; b < blocks; ++b) {
    words[4 * b] = x0[b];
    words[4 * b + 1] = x1[b];
    words[4 * b + 2] = x2[b];
    words[4 * b + 3] = x3[b];
  }
}

/// Philox over consecutive blocks [block0, block0 + blocks), blocks <= chunk_blocks.
void generate_blocks(const StreamKey& key, std::uint64_t block0, std::size_t blocks, std::uint32_t* words) {
  alignas(64) std::uint32_t counters[chunk_blocks];
  const auto first = static_cast<std::uint32_t>(block0);  // capacity keeps block < 2^32
  for (std::size_t b = 0; b < blocks; ++b) counters[b] = first + static_cast<std::uint32_t>(b);
  philox_blocks(key, counters, blocks, words);
}

/// Maps raw words to floats in (0, 1]: 24 significant bits, never zero (log(0) is avoided).
void words_to_uniform(const std::uint32_t* words, float* out, std::size_t n) {
  constexpr float scale = 1.0f / 16777216.0f;
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>((words[i] >> 8) + 1u) * scale;
}

/// Box-Muller on whole blocks: words (4b, 4b+1) give normals 4b and 4b+1, (4b+2, 4b+3) give 4b+2 and 4b+3.
/// The transform always runs over a multiple of the widest SIMD packet: Eigen's vector and scalar log/sin/cos
/// round differently, so a value must never depend on whether it fell into a vectorised part or the tail.
void words_to_normal(const std::uint32_t* words, float* out, std::size_t n_words) {
  constexpr std::size_t packet = 16;
  static_assert((chunk_words / 2) % packet == 0, "chunk must hold whole packets");
  const std::size_t pairs = n_words / 2;
  const std::size_t padded = (pairs + packet - 1) / packet * packet;
  alignas(64) std::array<float, chunk_words / 2> u_radius;
  alignas(64) std::array<float, chunk_words / 2> u_angle;
  for (std::size_t p = 0; p < pairs; ++p) {
    u_radius[p] = static_cast<float>((words[2 * p] >> 8) + 1u) * (1.0f / 16777216.0f);
    u_angle[p] = static_cast<float>(words[2 * p + 1] >> 8) * (1.0f / 16777216.0f) - 0.5f;
  }
  std::fill(u_radius.begin() + static_cast<std::ptrdiff_t>(pairs),
            u_radius.begin() + static_cast<std::ptrdiff_t>(padded), 0.5f);
  std::fill(u_angle.begin() + static_cast<std::ptrdiff_t>(pairs), u_angle.begin() + static_cast<std::ptrdiff_t>(padded),
            0.0f);
  // Fixed maximum size: no heap allocation per call.
  using Array = Eigen::Array<float, Eigen::Dynamic, 1, 0, static_cast<int>(chunk_words / 2), 1>;
  const Eigen::Map<const Array, Eigen::Aligned64> ur(u_radius.data(), static_cast<Eigen::Index>(padded));
  const Eigen::Map<const Array, Eigen::Aligned64> ua(u_angle.data(), static_cast<Eigen::Index>(padded));
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
    const std::uint64_t block_end =
        std::min<std::uint64_t>((end + words_per_block - 1) / words_per_block, block0 + chunk_blocks);
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

void RandomStream::normal_runs(const Run* runs, std::size_t n_runs, float* out) const {
  // Value k is the (k mod 2)-th normal of the word pair (k & ~1, k | 1), so a piece [k, k + m) of a run needs the
  // pairs [k & ~1, (k + m + 1) & ~1) of its blocks. Pieces are gathered until the blocks or the pairs would not
  // fit, then generated, transformed together and copied out.
  constexpr std::size_t pair_words = chunk_words / 2;  ///< words of the transform's input per chunk
  constexpr std::size_t piece_values = pair_words - 2;  ///< a longer run is cut into pieces of this many values
  struct Piece {
    std::uint64_t first;
    std::size_t n;
    std::size_t word_at;  ///< index in `words` of the piece's first pair
    std::size_t pair_at;  ///< index in `pairs` of its first pair word
  };
  alignas(64) std::uint32_t counters[chunk_blocks];
  std::array<std::uint32_t, chunk_words> words;
  std::array<std::uint32_t, pair_words> pairs;
  std::array<float, pair_words> normals;
  std::array<Piece, pair_words / 2> pieces;  // a piece has at least one pair
  std::size_t n_pieces = 0, blocks = 0, n_pairs_words = 0;
  const auto flush = [&] {
    philox_blocks(m_key, counters, blocks, words.data());
    for (std::size_t i = 0; i < n_pieces; ++i) {
      const Piece& p = pieces[i];
      const std::size_t n_words = ((p.first + p.n + 1) & ~std::uint64_t{1}) - (p.first & ~std::uint64_t{1});
      std::copy_n(words.begin() + static_cast<std::ptrdiff_t>(p.word_at), n_words,
                  pairs.begin() + static_cast<std::ptrdiff_t>(p.pair_at));
    }
    words_to_normal(pairs.data(), normals.data(), n_pairs_words);
    for (std::size_t i = 0; i < n_pieces; ++i) {
      const Piece& p = pieces[i];
      std::copy_n(normals.begin() + static_cast<std::ptrdiff_t>(p.pair_at + p.first % 2), p.n, out);
      out += p.n;
    }
    n_pieces = blocks = n_pairs_words = 0;
  };
  for (std::size_t r = 0; r < n_runs; ++r) {
    check_range(runs[r].first, runs[r].n);
    for (std::size_t done = 0; done < runs[r].n;) {
      const std::uint64_t first = runs[r].first + done;
      const std::size_t n = std::min(piece_values, runs[r].n - done);
      const std::uint64_t word_first = first & ~std::uint64_t{1};
      const std::uint64_t word_end = (first + n + 1) & ~std::uint64_t{1};
      const std::uint64_t block_first = word_first / words_per_block;
      const std::uint64_t block_end = (word_end + words_per_block - 1) / words_per_block;
      const auto n_blocks = static_cast<std::size_t>(block_end - block_first);
      const auto n_words = static_cast<std::size_t>(word_end - word_first);
      if (blocks + n_blocks > chunk_blocks || n_pairs_words + n_words > pair_words) flush();
      pieces[n_pieces++] = {first, n, words_per_block * blocks + static_cast<std::size_t>(word_first % words_per_block),
                            n_pairs_words};
      for (std::size_t b = 0; b < n_blocks; ++b) counters[blocks++] = static_cast<std::uint32_t>(block_first + b);
      n_pairs_words += n_words;
      done += n;
    }
  }
  if (n_pieces > 0) flush();
}

void RandomStream::bits(std::uint32_t* out, std::size_t n, std::uint64_t first) const {
  check_range(first, n);
  // Whole blocks straight into `out`; the partial blocks at either end through generate()'s buffers.
  const auto copy = [](const std::uint32_t* w, std::uint32_t* v, std::size_t count) { std::copy(w, w + count, v); };
  const std::uint64_t end = first + n;
  const std::uint64_t head_end = std::min(end, (first + words_per_block - 1) / words_per_block * words_per_block);
  if (head_end > first) generate(m_key, out, static_cast<std::size_t>(head_end - first), first, copy);
  std::uint64_t pos = head_end;
  while (end - pos >= words_per_block) {
    const auto blocks = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_blocks, (end - pos) / words_per_block));
    generate_blocks(m_key, pos / words_per_block, blocks, out + (pos - first));
    pos += blocks * words_per_block;
  }
  if (end > pos) generate(m_key, out + (pos - first), static_cast<std::size_t>(end - pos), pos, copy);
}

void RandomStream::uniform(float* out, std::size_t n, std::uint64_t first) const {
  generate(m_key, out, n, first, words_to_uniform);
}

void RandomStream::normal(float* out, std::size_t n, std::uint64_t first) const {
  generate(m_key, out, n, first, words_to_normal);
}

}  // namespace imcsim
