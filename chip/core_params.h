#pragma once
// The per-core parameters of a chip configuration: what the timed core (cores/core.h) and the trace replayer
// (traces/replay.h) cost each command with (cores/core_costs.h). Plain C++ (no SystemC).

#include "chip/chip_config.h"
#include "cores/core_costs.h"

namespace imcsim::chip {

cores::CoreParams core_params(const ChipConfig& config);

}  // namespace imcsim::chip
