#pragma once
// The numeric side of a core, as the timed core (cores/core.h) sees it. Plain C++ (no SystemC): the accuracy
// path implements it (chip/tile_numerics.h, chip/crossbar_numerics.h) without linking the simulator.

#include "cores/core_command.h"

namespace imcsim::cores {

/// The numeric side of a core (the crossbar from hw/). The timed model calls it for every command it accepts;
/// an implementation computes what the command does to the numbers (MVMs on the core's buffers, or on
/// command.input into command.output when those are set) and must not keep the pointers.
class CoreNumerics {
 public:
  virtual ~CoreNumerics() = default;
  virtual void execute(const CoreCommand& command) = 0;
};

}  // namespace imcsim::cores
