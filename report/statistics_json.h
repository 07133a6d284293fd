#pragma once
// The statistics registry as JSON: one object per statistic, in name order, with its value, unit and
// description.

#include <nlohmann/json.hpp>

#include "base/statistics.h"

namespace imcsim::report {

nlohmann::ordered_json statistics_json(const StatisticsRegistry& stats);

}  // namespace imcsim::report
