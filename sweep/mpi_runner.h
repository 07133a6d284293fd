#pragma once
// A sweep's points over the ranks of an MPI job (`mpirun -np K imcsim sweep ...`, docs/sweep.md). Rank 0 hands
// out one point at a time to whichever rank asks next (dynamic balancing: points differ a lot in cost), runs
// points itself on a second thread, and receives every outcome; the other ranks only run points. Every rank
// loads the same sweep file, so a task travels as a point index.
//
// MPI is a build option (IMCSIM_WITH_MPI, on by default). Built without it, launched_by_mpirun() still tells an
// mpirun start, and MpiSession refuses it with an imcsim::Error saying so: a sweep then runs with --jobs only.

#include <functional>
#include <vector>

#include "sweep/planner.h"

namespace imcsim::sweep {

/// Whether this process was started by mpirun (Open MPI or a PMIx launcher set its rank in the environment).
/// Only then does imcsim initialise MPI: a plain `imcsim sweep` never touches it.
bool launched_by_mpirun();

/// Whether this build has MPI (IMCSIM_WITH_MPI).
bool built_with_mpi();

/// MPI for the life of the object (MPI_Init_thread with MPI_THREAD_FUNNELED, MPI_Finalize). Throws imcsim::Error
/// in a build without MPI.
class MpiSession {
 public:
  MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  ~MpiSession();
  int rank() const { return m_rank; }
  int size() const { return m_size; }

 private:
  int m_rank = 0;
  int m_size = 1;
};

/// Runs `tasks` (meaningful on rank 0 only; other ranks pass an empty list) over all ranks: `run` executes one
/// task on any rank, `done` is called on rank 0, serialised, for every outcome. Collective: every rank calls it.
void run_on_ranks(const MpiSession& mpi, const std::vector<PointTask>& tasks,
                  const std::function<PointOutcome(const PointTask&)>& run,
                  const std::function<void(const PointOutcome&)>& done, const std::vector<std::string>& metric_names);

}  // namespace imcsim::sweep
