#include "bench/worker.h"

#include "base/child_process.h"
#include "base/errors.h"

namespace imcsim::bench {

nlohmann::json run_worker(const std::string& executable, const std::vector<std::string>& arguments) {
  const ChildResult r = run_child(executable, arguments);
  if (r.exit_code != 0) {
    std::string command;
    for (const auto& a : arguments) command += " " + a;
    throw Error("worker 'imcsim" + command + "' failed: " + r.err);
  }
  try {
    return nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    throw Error("worker 'imcsim " + (arguments.empty() ? std::string() : arguments.front()) +
                "' printed no JSON: " + e.what());
  }
}

}  // namespace imcsim::bench
