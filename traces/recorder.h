#pragma once
// Recording: the trace of a compiled model's run (traces/trace_file.h) from its Program and what the controller
// recorded per instruction. Plain C++ (no SystemC).

#include <vector>

#include "chip/chip_config.h"
#include "chip/simulation_result.h"
#include "firmware/instruction_record.h"
#include "firmware/model_compiler.h"
#include "traces/trace_file.h"

namespace imcsim::traces {

/// One event per instruction of model.program with its dependencies; `records` (one per instruction, as
/// chip::SimulationResult::instructions) gives the issue and completion times; empty: a trace built without a
/// run (times -1). Throws InputError when a recv has no matching send.
/// `network` (optional): the run's timeline (chip::SimulationResult::timeline), whose "network" events give the
/// order in which the network served the transfers.
Trace record_trace(const chip::ChipConfig& config, const firmware::CompiledModel& model,
                   const std::vector<firmware::InstructionRecord>& records,
                   const std::vector<chip::TimelineEvent>& timeline = {});

}  // namespace imcsim::traces
