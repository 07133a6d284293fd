#pragma once
// A recorded trace re-timed on a design point (traces/replay.h), as `imcsim trace replay` and sweeps over trace
// jobs run it: plain C++, no SystemC, so it may run any number of times in a process.
//
// Contract: throws InputError for an unreadable, corrupt or newer-version trace and for a trace the chip cannot
// hold; never exits or prints.

#include <nlohmann/json.hpp>
#include <string>

#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "traces/trace_file.h"

namespace imcsim::runner {

struct ReplayRun {
  std::string file;       ///< the trace file
  traces::Trace trace;    ///< as recorded
  chip::ChipConfig chip;  ///< the design point it was re-timed on
  chip::ModelTiming timing;
  double replay_s = 0;  ///< wall time of the replay itself
};

ReplayRun replay(const std::string& trace_file, const chip::ChipConfig& config);

/// The trace again, with the replayed issue and completion times and the design point's name as its chip.
traces::Trace retimed_trace(const ReplayRun& run);

/// report.json of a replay: the trace's provenance, the timing figures, chip and config.
nlohmann::ordered_json replay_report_json(const ReplayRun& run);

}  // namespace imcsim::runner
