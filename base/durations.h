#pragma once
// Durations as architects write them on the command line: a number with a unit suffix, s (seconds), m (minutes),
// h (hours), d (days) or y (years of 365 days); a bare number is seconds.

#include <string>
#include <vector>

namespace imcsim {

/// Parses one duration ("1h", "30s", "2.5d", "1y", "3600"); throws ParameterError(key) when malformed or < 0.
double parse_duration_s(const std::string& text, const std::string& key);
/// A comma-separated list of durations ("1s,1h,1d,1y"), in the order given.
std::vector<double> parse_durations_s(const std::string& list, const std::string& key);

}  // namespace imcsim
