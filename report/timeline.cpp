#include "report/timeline.h"

#include <map>

namespace imcsim::report {

nlohmann::ordered_json chrome_trace(const std::vector<chip::TimelineEvent>& events) {
  // Tracks become threads of one process, numbered in order of first appearance (deterministic).
  std::map<std::string, int> tids;
  nlohmann::ordered_json trace = nlohmann::ordered_json::array();
  for (const auto& e : events) {
    auto [it, inserted] = tids.emplace(e.track, static_cast<int>(tids.size()) + 1);
    if (inserted) {
      trace.push_back(
          {{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", it->second}, {"args", {{"name", e.track}}}});
    }
    trace.push_back({{"name", e.name},
                     {"ph", "X"},
                     {"pid", 1},
                     {"tid", it->second},
                     {"ts", e.start_ns * 1e-3},
                     {"dur", (e.end_ns - e.start_ns) * 1e-3}});
  }
  return {{"traceEvents", trace}, {"displayTimeUnit", "ns"}};
}

}  // namespace imcsim::report
