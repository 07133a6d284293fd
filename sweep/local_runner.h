#pragma once
// Running the points of a sweep (docs/sweep.md): one point as a child process of the simulator, and the tasks of
// a plan (sweep/planner.h) on local worker processes.

#include <functional>
#include <string>
#include <vector>

#include "sweep/journal.h"
#include "sweep/planner.h"
#include "sweep/sweep_spec.h"

namespace imcsim::sweep {

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
