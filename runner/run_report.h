#pragma once
// report.json (docs/report.md) of a run, as `imcsim run` writes it (runner/replay_run.h has a replay's). A pure
// function of the result: the same result gives the same bytes.

#include <nlohmann/json.hpp>
#include <string>

#include "runner/run.h"

namespace imcsim::runner {

/// The whole report of a run: model, data set, seed, accuracy, mapping, latency, throughput, energy,
/// programming, utilisation (per core and link), chip and the resolved config.
nlohmann::ordered_json report_json(const RunResult& result);

}  // namespace imcsim::runner
