#pragma once
// A fixed number of independent tasks on a few threads (regress cases, sweep points: each drives one child
// process).

#include <cstddef>
#include <functional>

namespace imcsim {

/// Calls task(0) ... task(count - 1), at most `jobs` at a time, each on one of min(jobs, count) threads (this
/// thread among them), handing out the next index to whichever thread is free. A task that throws stops the
/// handing out; the first exception is rethrown once every thread has finished its current task. `task` must be
/// safe to call from several threads at once.
void run_tasks(std::size_t count, int jobs, const std::function<void(std::size_t)>& task);

}  // namespace imcsim
