#pragma once
// A measurement taken in another imcsim process (`imcsim validate`, `imcsim bench timed`): SystemC elaborates once
// per process, so a command that needs several timed designs starts imcsim again for each and reads its JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace imcsim::bench {

/// Runs `executable` (an imcsim binary) with `arguments` and parses its standard output as JSON. Throws
/// imcsim::Error with the child's standard error when it fails.
nlohmann::json run_worker(const std::string& executable, const std::vector<std::string>& arguments);

}  // namespace imcsim::bench
