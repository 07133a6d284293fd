// PulsedArray::update: the stochastic pulse-train update (the scheme and the draw positions are in
// pulsed_array.h).
//
// Cost per vector pair: BL_eff (rows + cols) firing decisions at 8 random bits each (four per generated word;
// the 1 in 256 ties take 16 more bits), then work and one c2c normal per coincidence only. A worker owns a
// block of columns for the whole batch: devices in different columns never interact, so the blocks need no
// synchronisation and the vector pairs stay in order within each device.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "base/check.h"
#include "base/task_pool.h"
#include "hw/pulsed_array.h"

namespace imcsim::hw {

namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the firing decisions read words as bytes in memory order");

constexpr std::uint64_t decisions_per_word = 4;
constexpr double threshold_scale = 16777216.0;  ///< firing thresholds are probabilities in units of 2^-24

/// Firing scales of one vector pair; slots == 0 marks a skipped pair.
struct PairScale {
  float c_x = 0;
  float c_d = 0;
  int slots = 0;
};

PairScale pair_scale(float x_max, float d_max, float lr, float dw_min, const PulseUpdateConfig& config) {
  if (!(x_max > 0) || !(d_max > 0) || lr == 0) return {};
  int slots = config.pulse_length;
  if (config.bl_management) {
    const double needed = std::ceil(static_cast<double>(lr) * x_max * d_max / dw_min);
    slots = static_cast<int>(std::clamp(needed, 1.0, static_cast<double>(config.pulse_length)));
  }
  const float k = lr / (static_cast<float>(slots) * dw_min);
  if (!config.update_management) return {std::sqrt(k), std::sqrt(k), slots};
  return {std::sqrt(k * d_max / x_max), std::sqrt(k * x_max / d_max), slots};
}

/// The firing threshold of a line: its probability min(1, scale |value|) in units of 2^-24.
std::uint32_t firing_threshold(float scale, float value) {
  const double p = static_cast<double>(scale) * std::fabs(static_cast<double>(value));
  return static_cast<std::uint32_t>(std::min(1.0, p) * threshold_scale);
}

/// The firing decisions of some lines of one pair. Decision n fires when a 24-bit uniform U is below the line's
/// threshold T: U's top 8 bits are byte n mod 4 of word n / 4 of the pulse_train stream, and only when they
/// equal T's top 8 bits are U's low 16 bits needed, the top half of word n of the tie stream.
class FiringDecisions {
 public:
  FiringDecisions(const RandomStream& train, const RandomStream& tie, std::vector<std::uint32_t>& words)
      : m_train(train), m_tie(tie), m_words(words) {}

  /// Draws the top bytes of decisions [first, first + n) (absolute decision indices).
  void draw(std::uint64_t first, std::uint64_t n) {
    const std::uint64_t first_word = first / decisions_per_word;
    const std::uint64_t end_word = (first + n + decisions_per_word - 1) / decisions_per_word;
    const auto n_words = static_cast<std::size_t>(end_word - first_word);
    // Two padding words, so that a line's last 8-byte group may run past the end; their bytes are read but
    // never used.
    m_words.resize(n_words + 2);
    m_train.bits(m_words.data(), n_words, first_word);
    // Byte k of word w is (w >> 8 k) & 0xff, i.e. the word's memory order on a little-endian machine; the bytes
    // are read through an unsigned char pointer, which may alias the words.
    m_bytes = reinterpret_cast<const std::uint8_t*>(m_words.data());
    m_first = first_word * decisions_per_word;
  }

  /// Calls fire(s), in increasing s, for each s < n at which decision line_first + s fires with threshold T.
  template <typename Fire>
  void for_each_firing(std::uint64_t line_first, std::size_t n, std::uint32_t threshold, Fire&& fire) const {
    const std::uint8_t* top = &m_bytes[static_cast<std::size_t>(line_first - m_first)];
    const std::uint32_t threshold_top = threshold >> 16;
    const auto decide = [&](std::size_t s) {
      if (top[s] != threshold_top) return top[s] < threshold_top;
      return tie_fires(line_first + s, threshold & 0xffffu);
    };
    if (threshold_top >= 128) {
      for (std::size_t s = 0; s < n; ++s) {
        if (decide(s)) fire(s);
      }
      return;
    }
    // Eight decisions at a time, T = threshold_top < 128. For bytes b, (b | 0x80) - T never borrows from the next
    // byte and keeps its high bit exactly when (b & 0x7f) >= T, so b < T (fires) is the high bit of
    // ~b & ~((b | 0x80) - T); b == T (a tie, 1 in 256) is a zero byte of b ^ T. The fired bytes are then visited
    // in increasing s.
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    constexpr std::uint64_t lows = 0x7f7f7f7f7f7f7f7full;
    const std::uint64_t below = ones * threshold_top;
    const std::uint32_t threshold_low = threshold & 0xffffu;
    for (std::size_t s0 = 0; s0 < n; s0 += 8) {
      std::uint64_t group;
      std::memcpy(&group, top + s0, sizeof group);
      const std::uint64_t valid = n - s0 >= 8 ? highs : highs & ((1ull << (8 * (n - s0))) - 1);
      std::uint64_t fired = ~group & ~((group | highs) - below) & valid;
      const std::uint64_t z = group ^ below;
      std::uint64_t ties = ~(((z & lows) + lows) | z | lows) & valid;
      for (; ties != 0; ties &= ties - 1) {
        const std::uint64_t bit = ties & (~ties + 1);
        if (tie_fires(line_first + s0 + static_cast<std::size_t>(__builtin_ctzll(bit)) / 8, threshold_low)) {
          fired |= bit;
        }
      }
      for (; fired != 0; fired &= fired - 1) fire(s0 + static_cast<std::size_t>(__builtin_ctzll(fired)) / 8);
    }
  }

 private:
  /// A tie of the top bytes: U < T when U's low 16 bits are below T's (`threshold_low`).
  bool tie_fires(std::uint64_t decision, std::uint32_t threshold_low) const {
    if (threshold_low == 0) return false;
    std::uint32_t refinement = 0;
    m_tie.bits(&refinement, 1, decision);
    return (refinement >> 16) < threshold_low;
  }

  const RandomStream& m_train;
  const RandomStream& m_tie;
  std::vector<std::uint32_t>& m_words;
  const std::uint8_t* m_bytes = nullptr;  ///< m_words as bytes, one per decision
  std::uint64_t m_first = 0;              ///< decision index of m_bytes[0]
};

/// The update of columns [m_first_col, m_end_col) over the whole batch, in the block's own buffers.
class ColumnBlockUpdate {
 public:
  /// The random streams of one update index: firing decisions, their ties, and c2c noise.
  struct Streams {
    RandomStream train;
    RandomStream tie;
    RandomStream cycle;
  };

  ColumnBlockUpdate(const PulsedDeviceModel& model, const std::vector<PulsedDeviceParams>& params, WeightMatrix& w,
                    int first_col, int end_col, const Streams& streams, PulseUpdateBuffers& buffers)
      : m_model(model),
        m_params(params),
        m_w(w),
        m_first_col(first_col),
        m_end_col(end_col),
        m_train(streams.train),
        m_tie(streams.tie),
        m_cycle(streams.cycle),
        m_buf(buffers) {}

  /// Applies the pulses of every pair and returns the firings and coincidences of this block (row firings only
  /// in the block that starts at column 0, so that the blocks' counts add up; slots are not counted here).
  PulseUpdateCounts run(const BatchMatrix& x, const BatchMatrix& d, const std::vector<PairScale>& scales, int bl) {
    const auto n_rows = static_cast<std::uint64_t>(m_w.rows());
    const auto n_cols = static_cast<std::uint64_t>(m_w.cols());
    // Decisions reserved per pair: a whole number of words, so every pair starts on a word.
    const std::uint64_t pair_words =
        (static_cast<std::uint64_t>(bl) * (n_rows + n_cols) + decisions_per_word - 1) / decisions_per_word;
    PulseUpdateCounts counts;
    for (Eigen::Index b = 0; b < x.rows(); ++b) {
      const PairScale& scale = scales[static_cast<std::size_t>(b)];
      if (scale.slots == 0) continue;
      const std::uint64_t pair_first = static_cast<std::uint64_t>(b) * pair_words * decisions_per_word;
      collect_rows(x, b, scale, pair_first, counts);
      collect_pulses(d, b, scale, bl, pair_first, counts);
      apply_pulses();
    }
    return counts;
  }

 private:
  /// Sorts the firing rows of pair b into slots: row i in slot s is decision pair_first + i BL_eff + s.
  void collect_rows(const BatchMatrix& x, Eigen::Index b, const PairScale& scale, std::uint64_t pair_first,
                    PulseUpdateCounts& counts) {
    const auto n_rows = static_cast<std::size_t>(m_w.rows());
    const auto slots = static_cast<std::size_t>(scale.slots);
    FiringDecisions decisions(m_train, m_tie, m_buf.words);
    decisions.draw(pair_first, n_rows * slots);
    m_buf.slot_size.assign(slots, 0);
    m_buf.slot_rows.resize(slots * n_rows);
    m_buf.slot_signs.resize(slots * n_rows);
    for (std::size_t i = 0; i < n_rows; ++i) {
      const float x_i = x(b, static_cast<Eigen::Index>(i));
      const std::uint32_t threshold = firing_threshold(scale.c_x, x_i);
      if (threshold == 0) continue;
      const signed char sign = x_i > 0 ? 1 : -1;
      decisions.for_each_firing(pair_first + i * slots, slots, threshold, [&](std::size_t s) {
        const std::size_t at = s * n_rows + m_buf.slot_size[s]++;
        m_buf.slot_rows[at] = static_cast<int>(i);
        m_buf.slot_signs[at] = sign;
      });
    }
    if (m_first_col == 0) {
      for (const std::size_t size : m_buf.slot_size) counts.row_pulses += size;
    }
  }

  /// Lists the coincidences of pair b column by column, each column's slot by slot (that order touches the devices
  /// one column at a time and gives every device its pulses in time order), and their c2c positions: column j's
  /// n-th coincidence at (b cols + j) BL rows + n. Column j in slot s is decision
  /// pair_first + (rows + j) BL_eff + s.
  void collect_pulses(const BatchMatrix& d, Eigen::Index b, const PairScale& scale, int bl, std::uint64_t pair_first,
                      PulseUpdateCounts& counts) {
    const auto n_rows = static_cast<std::size_t>(m_w.rows());
    const auto n_cols = static_cast<std::uint64_t>(m_w.cols());
    const auto slots = static_cast<std::size_t>(scale.slots);
    const std::uint64_t block_first = pair_first + (n_rows + static_cast<std::uint64_t>(m_first_col)) * slots;
    FiringDecisions decisions(m_train, m_tie, m_buf.words);
    decisions.draw(block_first, static_cast<std::uint64_t>(m_end_col - m_first_col) * slots);
    std::size_t n_pulses = 0;
    m_buf.runs.clear();
    for (auto j = static_cast<std::size_t>(m_first_col); j < static_cast<std::size_t>(m_end_col); ++j) {
      const std::uint32_t threshold = firing_threshold(scale.c_d, d(b, static_cast<Eigen::Index>(j)));
      if (threshold == 0) continue;
      // Gradient descent: -sign(x d) is up when x and d have opposite signs.
      const signed char up_sign = d(b, static_cast<Eigen::Index>(j)) > 0 ? -1 : 1;
      const std::uint64_t line = block_first + (j - static_cast<std::size_t>(m_first_col)) * slots;
      const std::size_t column_first = n_pulses;
      decisions.for_each_firing(line, slots, threshold, [&](std::size_t s) {
        ++counts.column_pulses;
        const int* rows = &m_buf.slot_rows[s * n_rows];
        const signed char* signs = &m_buf.slot_signs[s * n_rows];
        const std::size_t first = n_pulses, size = m_buf.slot_size[s];
        n_pulses += size;
        reserve_pulses(n_pulses);
        std::size_t* devices = &m_buf.pulse_devices[first];
        signed char* directions = &m_buf.pulse_directions[first];
        for (std::size_t k = 0; k < size; ++k) {
          devices[k] = j * n_rows + static_cast<std::size_t>(rows[k]);
          directions[k] = static_cast<signed char>(signs[k] * up_sign);
        }
      });
      if (n_pulses > column_first) {
        m_buf.runs.push_back({(static_cast<std::uint64_t>(b) * n_cols + j) * static_cast<std::uint64_t>(bl) * n_rows,
                              n_pulses - column_first});
      }
    }
    m_buf.pulses = n_pulses;
    counts.coincidences += n_pulses;
  }

  /// Grows the pulse lists (never shrinks them: their sizes are high-water marks, m_buf.pulses the count).
  void reserve_pulses(std::size_t n) {
    if (m_buf.pulse_devices.size() >= n) return;
    const std::size_t size = std::max(n, 2 * m_buf.pulse_devices.size());
    m_buf.pulse_devices.resize(size);
    m_buf.pulse_directions.resize(size);
    m_buf.xi.resize(size, 0.0f);
  }

  /// Applies the listed pulses in order.
  void apply_pulses() {
    const std::size_t n = m_buf.pulses;
    // Without c2c spread xi stays all zero (reserve_pulses fills it so).
    if (m_model.config().dw_min_std > 0) m_cycle.normal_runs(m_buf.runs.data(), m_buf.runs.size(), m_buf.xi.data());
    m_model.apply_pulses(m_params.data(), m_w.data(), m_buf.pulse_devices.data(), m_buf.pulse_directions.data(),
                         m_buf.xi.data(), n);
  }

  const PulsedDeviceModel& m_model;
  const std::vector<PulsedDeviceParams>& m_params;
  WeightMatrix& m_w;
  int m_first_col;
  int m_end_col;
  const RandomStream& m_train;
  const RandomStream& m_tie;
  const RandomStream& m_cycle;
  PulseUpdateBuffers& m_buf;
};

}  // namespace

PulseUpdateCounts PulsedArray::update(const BatchMatrix& x, const BatchMatrix& d, float lr,
                                      const PulseUpdateConfig& config, std::uint64_t update_index, int threads) {
  require_in_range("update.pulse_length", config.pulse_length, 1, 1 << 16);
  require_non_negative("update.learning_rate", lr);
  require_in_range("update.threads", threads, 1, 1024);
  if (x.cols() != rows() || d.cols() != cols() || x.rows() != d.rows()) {
    throw ParameterError("update.shape", "x must be batch x rows and d batch x cols of the array");
  }
  const std::uint64_t pulses_per_vector = static_cast<std::uint64_t>(config.pulse_length) *
                                          static_cast<std::uint64_t>(rows()) * static_cast<std::uint64_t>(cols());
  if (static_cast<std::uint64_t>(x.rows()) > RandomStream::capacity / pulses_per_vector) {
    throw ParameterError("update.batch", "batch too large for one update index; split it");
  }
  std::vector<PairScale> scales(static_cast<std::size_t>(x.rows()));
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    scales[static_cast<std::size_t>(b)] =
        pair_scale(x.row(b).cwiseAbs().maxCoeff(), d.row(b).cwiseAbs().maxCoeff(), lr, m_model.config().dw_min, config);
  }
  const auto update_key = static_cast<std::uint32_t>(update_index);
  const ColumnBlockUpdate::Streams streams{
      RandomStream({m_seed, RandomPurpose::pulse_train, m_array_id, update_key}),
      RandomStream({m_seed, RandomPurpose::pulse_train_tie, m_array_id, update_key}),
      RandomStream({m_seed, RandomPurpose::pulse_cycle_noise, m_array_id, update_key})};
  const int blocks = std::min(threads, cols());
  std::vector<PulseUpdateCounts> block_counts(static_cast<std::size_t>(blocks));
  if (m_update_buffers.size() < block_counts.size()) m_update_buffers.resize(block_counts.size());
  run_tasks(static_cast<std::size_t>(blocks), threads, [&](std::size_t block) {
    const int first = static_cast<int>(static_cast<std::size_t>(cols()) * block / static_cast<std::size_t>(blocks));
    const int end = static_cast<int>(static_cast<std::size_t>(cols()) * (block + 1) / static_cast<std::size_t>(blocks));
    ColumnBlockUpdate part(m_model, m_params, m_w, first, end, streams, m_update_buffers[block]);
    block_counts[block] = part.run(x, d, scales, config.pulse_length);
  });
  PulseUpdateCounts counts;
  for (const PairScale& scale : scales) counts.slots += static_cast<std::uint64_t>(scale.slots);
  for (const PulseUpdateCounts& c : block_counts) {
    counts.row_pulses += c.row_pulses;
    counts.column_pulses += c.column_pulses;
    counts.coincidences += c.coincidences;
  }
  return counts;
}

}  // namespace imcsim::hw
