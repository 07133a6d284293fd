#pragma once
// A command that measures in another imcsim process (`imcsim validate`, `imcsim bench timed`) and reads its JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::apps {

/// Runs this executable with `arguments` and parses its standard output as JSON. Throws imcsim::Error with
/// the child's standard error when it fails.
nlohmann::json run_worker(const std::vector<std::string>& arguments);

}  // namespace imcsim::apps
