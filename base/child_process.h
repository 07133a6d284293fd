#pragma once
// Running a program in a child process and collecting what it printed. SystemC elaborates one design per
// process, so whatever needs several designs (sweep points, regress cases, a worker pool of the run library)
// starts the simulator again for each.

#include <string>
#include <vector>

namespace imcsim {

/// What a child process left: its exit code (-1 when it did not exit normally), standard output and standard
/// error.
struct ChildResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `executable` (a path, not searched in PATH) with `arguments` and waits for it; its standard output and
/// error are collected whole. The child inherits this process's environment plus IMCSIM_DIE_WITH_PARENT=<this
/// pid>, which an imcsim child reads to die with this process (a killed sweep leaves no orphan writing into its
/// output directory). Thread-safe. Throws imcsim::Error only when the process cannot be started.
ChildResult run_child(const std::string& executable, const std::vector<std::string>& arguments);

/// The path of the running executable (/proc/self/exe), e.g. to start another imcsim. Throws imcsim::Error when
/// it cannot be read.
std::string self_executable();

}  // namespace imcsim
