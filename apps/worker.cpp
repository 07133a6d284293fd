#include "apps/worker.h"

#include "base/child_process.h"
#include "base/errors.h"

namespace imcsim::apps {

nlohmann::json run_worker(const std::vector<std::string>& arguments) {
  const ChildResult r = run_child(self_executable(), arguments);
  if (r.exit_code != 0) {
    std::string command;
    for (const auto& a : arguments) command += " " + a;
    throw Error("worker 'imcsim" + command + "' failed: " + r.err);
  }
  return nlohmann::json::parse(r.out);
}

}  // namespace imcsim::apps
