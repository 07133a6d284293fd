#include "workloads/training/chunk_pool.h"

#include "base/check.h"

namespace imcsim::workloads::training {

ChunkPool::ChunkPool(int threads) {
  require_in_range("train.threads", threads, 1, 256);
  for (int t = 1; t < threads; ++t) m_workers.emplace_back([this] { work(); });
}

ChunkPool::~ChunkPool() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_start.notify_all();
  for (auto& t : m_workers) t.join();
}

void ChunkPool::drain() {
  // Called with m_mutex unlocked; takes chunk indices until none is left.
  for (;;) {
    int i = 0;
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      if (m_next >= m_n) return;
      i = m_next++;
    }
    try {
      (*m_fn)(i);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(m_mutex);
      if (!m_error) m_error = std::current_exception();
      m_next = m_n;
    }
  }
}

void ChunkPool::work() {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
      if (m_stop) return;
      seen = m_generation;
      ++m_running;
    }
    drain();
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      --m_running;
    }
    m_done.notify_all();
  }
}

void ChunkPool::run(int n, const std::function<void(int)>& fn) {
  if (n <= 0) return;
  if (m_workers.empty() || n == 1) {
    for (int i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_fn = &fn;
    m_n = n;
    m_next = 0;
    m_error = nullptr;
    ++m_generation;
  }
  m_start.notify_all();
  drain();
  std::exception_ptr error;
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [&] { return m_running == 0 && m_next >= m_n; });
    m_fn = nullptr;
    error = m_error;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace imcsim::workloads::training
