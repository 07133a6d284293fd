#pragma once
// Means and spreads over seeds for the experiments' tables (docs/rla.md). Plain C++.

#include <vector>

namespace imcsim::rla {

double mean_of(const std::vector<double>& v);
/// Sample standard deviation (n - 1); 0 for fewer than two values.
double std_of(const std::vector<double>& v);

}  // namespace imcsim::rla
