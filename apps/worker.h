#pragma once
// Running one simulation in a child process: SystemC elaborates once per process, so commands that need
// several designs run `imcsim` again for each and read its JSON.

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::apps {

/// Runs this executable with `arguments` and parses its standard output as JSON. Throws imcsim::Error with
/// the child's standard error when it fails.
nlohmann::json run_worker(const std::vector<std::string>& arguments);

/// What a child process of this executable left: its exit code (-1 when it did not exit normally), standard
/// output and standard error.
struct ChildResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs this executable with `arguments` and waits for it. Throws imcsim::Error only when it cannot be started.
ChildResult run_child(const std::vector<std::string>& arguments);

/// The path of this executable (for commands that start it through a shell or mpirun).
std::string self_executable();

/// A file's whole content; empty when it cannot be read.
std::string read_file_text(const std::string& path);

/// Calls task(0) ... task(count - 1), at most `jobs` at a time, each on one of min(jobs, count) threads (this
/// thread among them), handing out the next index to whichever thread is free. A task that throws stops the
/// handing out; the first exception is rethrown once every thread has finished its current task.
void run_tasks(std::size_t count, int jobs, const std::function<void(std::size_t)>& task);

}  // namespace imcsim::apps
