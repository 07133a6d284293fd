#pragma once
// A small fixed pool of threads that runs one function over the chunks of a minibatch.
//
// Contract: run(n, fn) calls fn(i) exactly once for every i in [0, n) and returns when all calls have finished;
// which thread runs which chunk is not specified, so fn(i) must write only to data that belongs to chunk i.
// Results are then independent of the thread count. The first exception thrown by fn is rethrown by run().

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace imcsim::workloads::training {

class ChunkPool {
 public:
  explicit ChunkPool(int threads);
  ~ChunkPool();
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;

  void run(int n, const std::function<void(int)>& fn);
  int threads() const { return static_cast<int>(m_workers.size()) + 1; }

 private:
  void work();
  void drain();

  std::vector<std::thread> m_workers;
  std::mutex m_mutex;
  std::condition_variable m_start;
  std::condition_variable m_done;
  const std::function<void(int)>* m_fn = nullptr;
  int m_n = 0;
  int m_next = 0;
  int m_running = 0;  ///< workers inside the current job
  std::uint64_t m_generation = 0;
  bool m_stop = false;
  std::exception_ptr m_error;
};

}  // namespace imcsim::workloads::training
