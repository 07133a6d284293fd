#include "base/check.h"

#include <cmath>
#include <sstream>

namespace imcsim {

namespace {
std::string show(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
}  // namespace

void require_in_range(const std::string& parameter, double value, double lo, double hi) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    throw ParameterError(parameter, "value " + show(value) + " is outside [" + show(lo) + ", " + show(hi) + "]");
  }
}

void require_non_negative(const std::string& parameter, double value) {
  if (!std::isfinite(value) || value < 0) {
    throw ParameterError(parameter, "value " + show(value) + " must be a finite number >= 0");
  }
}

void require_positive(const std::string& parameter, double value) {
  if (!std::isfinite(value) || value <= 0) {
    throw ParameterError(parameter, "value " + show(value) + " must be a finite number > 0");
  }
}

void require_bits(const std::string& parameter, int bits) {
  if (bits < 1 || bits > 16) {
    throw ParameterError(parameter, "resolution of " + std::to_string(bits) + " bits is outside [1, 16]");
  }
}

}  // namespace imcsim
