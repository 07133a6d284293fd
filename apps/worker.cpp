#include "apps/worker.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "base/errors.h"

extern char** environ;

namespace imcsim::apps {

std::string self_executable() {
  std::array<char, 4096> buffer{};
  const ssize_t n = readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) throw Error("cannot find the imcsim executable (/proc/self/exe)");
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run_tasks(std::size_t count, int jobs, const std::function<void(std::size_t)>& task) {
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto work = [&]() {
    for (std::size_t k = next++; k < count; k = next++) {
      try {
        task(k);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = count;
      }
    }
  };
  std::vector<std::thread> workers;
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, jobs)), count);
  for (std::size_t w = 1; w < threads; ++w) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  if (error) std::rethrow_exception(error);
}

ChildResult run_child(const std::vector<std::string>& arguments) {
  char out_template[] = "/tmp/imcsim_worker_out_XXXXXX";
  char err_template[] = "/tmp/imcsim_worker_err_XXXXXX";
  const int out_fd = mkstemp(out_template);
  const int err_fd = mkstemp(err_template);
  if (out_fd < 0 || err_fd < 0) throw Error("cannot create temporary files for a worker process");

  std::vector<std::string> args{self_executable()};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The child dies with this process (main.cpp reads the variable): a sweep killed mid-way leaves no orphan
  // writing into the directory that its resumed run will use.
  std::vector<std::string> environment{"IMCSIM_DIE_WITH_PARENT=" + std::to_string(getpid())};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("IMCSIM_DIE_WITH_PARENT=", 0) != 0) environment.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_fd);
  close(err_fd);
  int status = 0;
  if (spawned == 0) waitpid(pid, &status, 0);
  ChildResult r;
  r.out = read_file_text(out_template);
  r.err = read_file_text(err_template);
  std::remove(out_template);
  std::remove(err_template);
  if (spawned != 0) throw Error("cannot start '" + args[0] + "'");
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

nlohmann::json run_worker(const std::vector<std::string>& arguments) {
  const ChildResult r = run_child(arguments);
  if (r.exit_code != 0) {
    std::string command;
    for (const auto& a : arguments) command += " " + a;
    throw Error("worker 'imcsim" + command + "' failed: " + r.err);
  }
  return nlohmann::json::parse(r.out);
}

}  // namespace imcsim::apps
