#pragma once
// What one instruction of a Program did when the controller ran it (plain C++, no SystemC), so that time and
// energy can be attributed to layers, inferences and phases (chip/model_timing.h).

#include "cores/core_costs.h"

namespace imcsim::firmware {

struct InstructionRecord {
  double start_ns =
      -1;  ///< when it began (a recv: when it began to wait; a streamed send: its first datum); -1: never ran
  double end_ns = -1;           ///< when its stream went on (a load, a store, a send: when the data had arrived)
  double busy_ns = 0;           ///< time its core command kept the core busy (0 for recv and streamed sends)
  cores::CommandEnergy energy;  ///< of its core command (network energy is the network's)
};

}  // namespace imcsim::firmware
