#include "bench/timing.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace imcsim::bench {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_for(const std::function<void()>& f, long iterations) {
  const auto start = Clock::now();
  for (long i = 0; i < iterations; ++i) f();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long calibrate(const std::function<void()>& f, double min_time_s) {
  long iterations = 1;
  for (;;) {
    const double t = seconds_for(f, iterations);
    if (t >= min_time_s || iterations > (1L << 30)) return iterations;
    const double grow = t > 0 ? std::min(10.0, 1.4 * min_time_s / t) : 10.0;
    iterations = std::max(iterations + 1, static_cast<long>(iterations * grow));
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

PairTiming time_pair(const std::function<void()>& reference, const std::function<void()>& candidate, double min_time_s,
                     int repetitions) {
  const long n_ref = calibrate(reference, min_time_s);
  const long n_cand = calibrate(candidate, min_time_s);
  std::vector<double> ref, cand;
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    ref.push_back(seconds_for(reference, n_ref) / static_cast<double>(n_ref));
    cand.push_back(seconds_for(candidate, n_cand) / static_cast<double>(n_cand));
  }
  return {median(ref), median(cand)};
}

}  // namespace imcsim::bench
