#pragma once
// Running one simulation in a child process: SystemC elaborates once per process, so commands that need
// several designs run `imcsim` again for each and read its JSON.

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

}  // namespace imcsim::apps
