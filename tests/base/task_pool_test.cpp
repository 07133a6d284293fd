// base/task_pool.h and base/child_process.h: every task runs once, no more than `jobs` at a time, the first error
// comes back after the others finished; a child's exit code and output come back, a missing program throws.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/child_process.h"
#include "base/errors.h"
#include "base/task_pool.h"

namespace {

TEST(TaskPool, RunsEveryTaskOnceAndAtMostJobsAtATime) {
  std::vector<std::atomic<int>> runs(50);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  imcsim::run_tasks(runs.size(), 3, [&](std::size_t k) {
    const int now = ++running;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    ++runs[k];
    --running;
  });
  for (const auto& r : runs) EXPECT_EQ(r, 1);
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 2) << "three jobs should overlap";
}

TEST(TaskPool, RethrowsTheFirstErrorAfterTheRunningTasksFinish) {
  std::atomic<int> finished{0};
  std::atomic<bool> slow_task_done{false};
  try {
    imcsim::run_tasks(100, 2, [&](std::size_t k) {
      if (k == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        slow_task_done = true;
      } else if (k == 1) {
        throw std::runtime_error("task 1 failed");
      } else if (k == 2) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        throw std::runtime_error("task 2 failed");
      }
      ++finished;
    });
    FAIL() << "no error was rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 1 failed");
  }
  EXPECT_TRUE(slow_task_done) << "run_tasks returned before a running task finished";
  EXPECT_LT(finished, 98) << "tasks were still handed out after the error";
}

TEST(TaskPool, NoTaskIsNoCall) {
  int calls = 0;
  imcsim::run_tasks(0, 4, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ChildProcess, ReturnsTheExitCodeAndBothOutputs) {
  const imcsim::ChildResult r =
      imcsim::run_child("/bin/sh", {"-c", "echo out; echo err >&2; echo $IMCSIM_DIE_WITH_PARENT; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n" + std::to_string(getpid()) + "\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(ChildProcess, AMissingProgramThrows) {
  EXPECT_THROW(imcsim::run_child("/nonexistent/imcsim", {"run"}), imcsim::Error);
}

TEST(ChildProcess, SelfExecutableIsThisTest) {
  EXPECT_NE(imcsim::self_executable().find("base_tests"), std::string::npos) << imcsim::self_executable();
}

}  // namespace
