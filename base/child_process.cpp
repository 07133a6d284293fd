#include "base/child_process.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include "base/errors.h"
#include "base/text.h"

extern char** environ;

namespace imcsim {

std::string self_executable() {
  std::array<char, 4096> buffer{};
  const ssize_t n = readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  if (n <= 0) throw Error("cannot find the running executable (/proc/self/exe)");
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

ChildResult run_child(const std::string& executable, const std::vector<std::string>& arguments) {
  char out_template[] = "/tmp/imcsim_worker_out_XXXXXX";
  char err_template[] = "/tmp/imcsim_worker_err_XXXXXX";
  const int out_fd = mkstemp(out_template);
  const int err_fd = mkstemp(err_template);
  if (out_fd < 0 || err_fd < 0) throw Error("cannot create temporary files for a child process");

  std::vector<std::string> args{executable};
  args.insert(args.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The child dies with this process (apps/main.cpp reads the variable): a sweep killed mid-way leaves no orphan
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

}  // namespace imcsim
