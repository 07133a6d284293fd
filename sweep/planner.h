#pragma once
// Planning a sweep (docs/sweep.md): which points still need running, in which order, and which of them run the
// accuracy path (the others reuse the accuracy of a point that differs only in timing-only keys).

#include <map>
#include <vector>

#include "sweep/journal.h"
#include "sweep/sweep_spec.h"

namespace imcsim::sweep {

/// One point to run, and whether it runs the accuracy path or only timing and energy (its accuracy then comes
/// from another point with the same accuracy key).
struct PointTask {
  int point = 0;
  bool accuracy = false;
};

/// The tasks that finish `selected` points (a shard's, or all) given those finished before: per accuracy key
/// without a finished accuracy run, the lowest selected point runs the accuracy path, the others timing only.
/// Accuracy runs come first (they cost the most), each group in point order.
std::vector<PointTask> plan_tasks(const SweepSpec& spec, const std::vector<int>& selected,
                                  const std::map<int, PointOutcome>& finished);

}  // namespace imcsim::sweep
