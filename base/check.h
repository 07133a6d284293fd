#pragma once
// Validation helpers for resolved configuration values. Each throws ParameterError naming the parameter.

#include <string>

#include "base/errors.h"

namespace imcsim {

/// Requires lo <= value <= hi.
void require_in_range(const std::string& parameter, double value, double lo, double hi);
/// Requires value >= 0 (and finite).
void require_non_negative(const std::string& parameter, double value);
/// Requires value > 0 (and finite).
void require_positive(const std::string& parameter, double value);
/// Requires 1 <= bits <= 16, the resolution range every converter model supports.
void require_bits(const std::string& parameter, int bits);

}  // namespace imcsim
