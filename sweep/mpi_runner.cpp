#include "sweep/mpi_runner.h"

#ifdef IMCSIM_WITH_MPI
#include <mpi.h>
#endif

#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "base/errors.h"

namespace imcsim::sweep {

bool launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_SIZE") != nullptr;
}

#ifdef IMCSIM_WITH_MPI

bool built_with_mpi() { return true; }

namespace {

constexpr int tag_result = 1;  ///< worker -> rank 0: an outcome as JSON text, or "" for the first request
constexpr int tag_task = 2;    ///< rank 0 -> worker: {point, accuracy}; point -1 means stop

void send_text(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

void worker_loop(const std::function<PointOutcome(const PointTask&)>& run,
                 const std::vector<std::string>& metric_names) {
  std::string result;  // the first message only asks for work
  while (true) {
    send_text(result, 0, tag_result);
    int task[2] = {-1, 0};
    MPI_Recv(task, 2, MPI_INT, 0, tag_task, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (task[0] < 0) {
      return;
    }
    result = outcome_json(run({task[0], task[1] != 0}), metric_names).dump();
  }
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m_size);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void run_on_ranks(const MpiSession& mpi, const std::vector<PointTask>& tasks,
                  const std::function<PointOutcome(const PointTask&)>& run,
                  const std::function<void(const PointOutcome&)>& done, const std::vector<std::string>& metric_names) {
  if (mpi.rank() != 0) {
    worker_loop(run, metric_names);
    return;
  }
  // Rank 0: its own worker thread takes tasks from the same queue as the remote ranks; only this thread calls
  // MPI (MPI_THREAD_FUNNELED).
  std::mutex mutex;
  std::deque<PointTask> queue(tasks.begin(), tasks.end());
  std::deque<PointOutcome> local_results;
  std::exception_ptr local_error;
  const auto take = [&](PointTask& t) {
    const std::lock_guard<std::mutex> lock(mutex);
    if (queue.empty()) {
      return false;
    }
    t = queue.front();
    queue.pop_front();
    return true;
  };
  bool local_running = true;
  std::thread local([&]() {
    PointTask t;
    try {
      while (take(t)) {
        PointOutcome o = run(t);
        const std::lock_guard<std::mutex> lock(mutex);
        local_results.push_back(std::move(o));
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      local_error = std::current_exception();
      queue.clear();
    }
    const std::lock_guard<std::mutex> lock(mutex);
    local_running = false;
  });
  int active = mpi.size() - 1;
  bool local_done = false;
  while (active > 0 || !local_done) {
    bool idle = true;
    {
      std::deque<PointOutcome> ready;
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ready.swap(local_results);
        local_done = !local_running;
      }
      for (const auto& o : ready) {
        done(o);
      }
    }
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, tag_result, MPI_COMM_WORLD, &flag, &status);
    if (flag != 0) {
      idle = false;
      int count = 0;
      MPI_Get_count(&status, MPI_CHAR, &count);
      std::string text(static_cast<std::size_t>(count), '\0');
      MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, tag_result, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (!text.empty()) {
        done(outcome_from_json(nlohmann::json::parse(text), metric_names));
      }
      PointTask t;
      int task[2] = {-1, 0};
      if (take(t)) {
        task[0] = t.point;
        task[1] = t.accuracy ? 1 : 0;
      } else {
        --active;
      }
      MPI_Send(task, 2, MPI_INT, status.MPI_SOURCE, tag_task, MPI_COMM_WORLD);
    }
    if (idle) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  local.join();
  for (const auto& o : local_results) {
    done(o);
  }
  if (local_error) {
    std::rethrow_exception(local_error);
  }
}

#else

bool built_with_mpi() { return false; }

MpiSession::MpiSession() {
  throw Error(
      "this imcsim was built without MPI (IMCSIM_WITH_MPI=OFF), so it cannot run a sweep over mpirun ranks: run "
      "`imcsim sweep FILE --jobs N` without mpirun, or rebuild with -DIMCSIM_WITH_MPI=ON");
}

MpiSession::~MpiSession() = default;

void run_on_ranks(const MpiSession&, const std::vector<PointTask>&,
                  const std::function<PointOutcome(const PointTask&)>&, const std::function<void(const PointOutcome&)>&,
                  const std::vector<std::string>&) {
  throw Error("this imcsim was built without MPI (IMCSIM_WITH_MPI=OFF)");
}

#endif

}  // namespace imcsim::sweep
