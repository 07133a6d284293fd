#pragma once
// Running the points of a sweep (docs/sweep.md): which points still need running and in which order, running one
// point as a child process of the simulator, and running a list of them on local worker processes.

#include <functional>
#include <map>
#include <string>
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

/// Runs one point: `executable run` (or `trace replay`; `executable` is an imcsim binary) in a child process
/// writing into `point_dir`, then reads the metrics from its report.json. A point whose run fails is an outcome
/// with status failed and the child's last error line; only a failure to start a process throws.
PointOutcome run_point(const std::string& executable, const SweepSpec& spec, const PointTask& task,
                       const std::string& point_dir, int threads);

/// The directory of point `index` below the sweep's output directory: OUT/points/0007.
std::string point_directory(const std::string& out, const SweepSpec& spec, int index);

/// Runs `tasks` with run_point() on `jobs` worker threads, each driving one child process at a time, each point
/// into point_directory(out, ...); calls `done` (serialised, on any thread) as each point finishes.
void run_local(const std::string& executable, const SweepSpec& spec, const std::vector<PointTask>& tasks,
               const std::string& out, int jobs, int threads, const std::function<void(const PointOutcome&)>& done);

}  // namespace imcsim::sweep
