#pragma once
// Timelines for Chrome's trace viewer and Perfetto (the Trace Event JSON format): one track per core and one
// for the network, a complete event ("ph": "X") per busy interval, times in microseconds.

#include <nlohmann/json.hpp>
#include <vector>

#include "chip/simulation.h"

namespace imcsim::report {

nlohmann::ordered_json chrome_trace(const std::vector<chip::TimelineEvent>& events);

}  // namespace imcsim::report
