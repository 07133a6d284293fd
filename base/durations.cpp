#include "base/durations.h"

#include <cmath>
#include <cstdlib>

#include "base/errors.h"

namespace imcsim {

double parse_duration_s(const std::string& text, const std::string& key) {
  double unit = 1.0;
  std::string number = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1.0;
        break;
      case 'm':
        unit = 60.0;
        break;
      case 'h':
        unit = 3600.0;
        break;
      case 'd':
        unit = 86400.0;
        break;
      case 'y':
        unit = 365.0 * 86400.0;
        break;
      default:
        unit = 0.0;
    }
    if (unit > 0.0) {
      number.pop_back();
    } else {
      unit = 1.0;
    }
  }
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(value) || value < 0.0) {
    throw ParameterError(key, "'" + text + "' is not a duration (a number >= 0 with s, m, h, d or y, e.g. 1h)");
  }
  return value * unit;
}

std::vector<double> parse_durations_s(const std::string& list, const std::string& key) {
  std::vector<double> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    out.push_back(parse_duration_s(item, key));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace imcsim
