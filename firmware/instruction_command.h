#pragma once
// The core command a Program instruction sends, as the controller (firmware/controller.h) sends it and the trace
// replayer (traces/replay.h) costs it. Plain C++ (no SystemC).

#include "cores/core_command.h"
#include "firmware/program.h"

namespace imcsim::firmware {

/// The core command an instruction sends (meaningful for core instructions: not recv or barrier).
cores::CoreCommand core_command_of(const Instruction& ins);

}  // namespace imcsim::firmware
