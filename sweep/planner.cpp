#include "sweep/planner.h"

#include <set>
#include <string>

namespace imcsim::sweep {

std::vector<PointTask> plan_tasks(const SweepSpec& spec, const std::vector<int>& selected,
                                  const std::map<int, PointOutcome>& finished) {
  std::set<std::string> covered;
  for (const auto& [index, o] : finished) {
    if (o.ran_accuracy && o.row.status == PointStatus::ok) {
      covered.insert(o.accuracy_key);
    }
  }
  std::vector<PointTask> accuracy_runs, timing_runs;
  for (const int index : selected) {
    if (finished.count(index) > 0) {
      continue;
    }
    const std::string& key = spec.points[index].accuracy_key;
    if (!key.empty() && covered.insert(key).second) {
      accuracy_runs.push_back({index, true});
    } else {
      timing_runs.push_back({index, false});
    }
  }
  accuracy_runs.insert(accuracy_runs.end(), timing_runs.begin(), timing_runs.end());
  return accuracy_runs;
}

}  // namespace imcsim::sweep
