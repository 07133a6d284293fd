#pragma once
// Counter-based random streams (Random123's Philox4x32-10).
//
// Value k of a stream is a pure function of (seed, purpose, id_a, id_b, k): no generator state is carried
// between calls, so a draw does not depend on which thread asks for it or in which order. Callers give every
// independent quantity its own key (e.g. purpose = programming noise, id_a = array, id_b = device slot) and
// address values by position, which is what makes results identical for any thread count and lets the
// batched accuracy path and the timed path see the same noise.

#include <cstddef>
#include <cstdint>

namespace imcsim {

/// What a stream is used for. Part of the key, so streams of different purposes never overlap.
enum class RandomPurpose : std::uint32_t {
  programming_noise = 1,
  drift_exponent = 2,
  read_noise = 3,
  output_noise = 4,
  weight_noise = 5,
  dac_rounding = 6,
  adc_noise = 7,
  adc_mismatch = 8,
  stuck_faults = 9,
  device_variation = 10,
  pulse_cycle_noise = 11,
  pulse_train = 12,
  test_input = 13,
  network_traffic = 14,
  design_sampling = 15,
  calibration_seed = 16,
  zero_shift_pulse_noise = 17,
  reference_programming = 18,
  pulse_train_tie = 19,
  dropout = 20,
  sketch_matrix = 21,
  user = 100,
};

struct StreamKey {
  std::uint64_t seed = 0;
  RandomPurpose purpose = RandomPurpose::user;
  std::uint32_t id_a = 0;
  std::uint32_t id_b = 0;
};

/// A view of one counter-based stream. Cheap to copy; all methods are const and thread-safe.
class RandomStream {
 public:
  explicit RandomStream(StreamKey key) : m_key(key) {}

  /// Largest number of values one stream can address (2^34).
  static constexpr std::uint64_t capacity = std::uint64_t{1} << 34;

  /// Writes values [first, first + n) of the stream as raw 32-bit words.
  void bits(std::uint32_t* out, std::size_t n, std::uint64_t first = 0) const;
  /// Writes uniform floats in (0, 1], values [first, first + n) of the stream.
  void uniform(float* out, std::size_t n, std::uint64_t first = 0) const;
  /// Writes standard normal floats (Box-Muller, vectorised), values [first, first + n) of the stream.
  void normal(float* out, std::size_t n, std::uint64_t first = 0) const;
  /// Consecutive positions [first, first + n) of a stream.
  struct Run {
    std::uint64_t first = 0;
    std::size_t n = 0;
  };
  /// Writes the standard normals of the runs one after the other (run r's n values follow run r - 1's in `out`),
  /// each value what normal() writes at its position. For sparse draws in short runs, e.g. the pulse coincidences
  /// of one column: the runs share the transform's work, as one call of normal() would.
  void normal_runs(const Run* runs, std::size_t n_runs, float* out) const;

  const StreamKey& key() const { return m_key; }

 private:
  StreamKey m_key;
};

}  // namespace imcsim
