#pragma once
// Interleaved timing of a reference and a candidate: the same machine state for both, medians of repetitions.

#include <functional>

namespace imcsim::bench {

struct PairTiming {
  double reference_s = 0;  ///< median seconds per call
  double candidate_s = 0;
};

/// Calibrates an iteration count per side so one repetition takes at least min_time_s, then alternates
/// repetitions of the two and returns the median time per call of each.
PairTiming time_pair(const std::function<void()>& reference, const std::function<void()>& candidate, double min_time_s,
                     int repetitions);

}  // namespace imcsim::bench
