// PulsedArray::zero_shift: zero-shifting by pulsing (Kim et al., arXiv:1907.10228; contract and draw positions in
// pulsed_array.h).

#include <algorithm>
#include <vector>

#include "base/check.h"
#include "base/task_pool.h"
#include "hw/pulsed_array.h"

namespace imcsim::hw {

WeightMatrix PulsedArray::zero_shift(const ZeroShiftConfig& config, int threads) {
  const double max_pairs = static_cast<double>(RandomStream::capacity / (2 * static_cast<std::uint64_t>(rows())));
  require_in_range("zero_shift.pulse_pairs", config.pulse_pairs, 0, max_pairs);
  require_non_negative("zero_shift.reference_programming_std", config.reference_programming_std);
  require_in_range("zero_shift.threads", threads, 1, 1024);
  const auto pulses = 2 * static_cast<std::size_t>(config.pulse_pairs);
  const bool c2c = m_model.config().dw_min_std > 0;
  // A column's rows take their pulses in lockstep, a chunk of pulses at a time, so the devices' chains of
  // dependent steps overlap instead of running one after the other. The last (down) pulse comes alone, after the
  // state that the last up pulse left has been read.
  constexpr std::size_t chunk = 64;
  const auto n_rows = static_cast<std::size_t>(rows());
  WeightMatrix found = m_w;
  run_tasks(static_cast<std::size_t>(cols()), threads, [&](std::size_t col) {
    if (pulses == 0) return;
    const RandomStream noise(
        {m_seed, RandomPurpose::zero_shift_pulse_noise, m_array_id, static_cast<std::uint32_t>(col)});
    std::vector<std::size_t> devices(chunk * n_rows);
    std::vector<signed char> directions(chunk * n_rows);
    for (std::size_t k = 0; k < chunk; ++k) {
      for (std::size_t i = 0; i < n_rows; ++i) {
        devices[k * n_rows + i] = col * n_rows + i;
        directions[k * n_rows + i] = k % 2 == 0 ? 1 : -1;  // chunks start on even pulses: up first
      }
    }
    std::vector<float> row_xi(chunk), xi(chunk * n_rows, 0.0f);
    const auto apply = [&](std::size_t first, std::size_t n, const signed char* pulse_directions) {
      if (c2c) {
        for (std::size_t i = 0; i < n_rows; ++i) {
          noise.normal(row_xi.data(), n, i * pulses + first);
          for (std::size_t k = 0; k < n; ++k) xi[k * n_rows + i] = row_xi[k];
        }
      }
      m_model.apply_pulses(m_params.data(), m_w.data(), devices.data(), pulse_directions, xi.data(), n * n_rows);
    };
    for (std::size_t first = 0; first + 1 < pulses; first += chunk) {
      apply(first, std::min(chunk, pulses - 1 - first), directions.data());
    }
    const auto c = static_cast<Eigen::Index>(col);
    found.col(c) = m_w.col(c);  // read after the last up pulse
    const std::vector<signed char> down(n_rows, -1);
    apply(pulses - 1, 1, down.data());
    found.col(c) = 0.5f * (found.col(c) + m_w.col(c));
  });
  WeightMatrix error = WeightMatrix::Zero(rows(), cols());
  if (config.reference_programming_std > 0) {
    RandomStream({m_seed, RandomPurpose::reference_programming, m_array_id, 0})
        .normal(error.data(), static_cast<std::size_t>(error.size()));
  }
  m_r = found + config.reference_programming_std * error;
  return found;
}

}  // namespace imcsim::hw
