#pragma once
// The replay benchmark (`imcsim bench replay`): trace events replayed per second (traces/replay.h). The trace is
// of the zoo MLP with enough pipelined inferences for the events asked for, built from the compiled Program (no
// SystemC run) and replayed without link-booking records. Plain C++, in this process.
//
// Contract: throws imcsim::Error (a missing zoo model, a chip the MLP does not fit); never exits or prints.

#include <cstddef>
#include <nlohmann/json.hpp>

#include "chip/chip_config.h"

namespace imcsim::bench {

/// Builds a trace of at least `events` events on `config` and replays it three times; reports the best replay
/// (the first also pays for first touching its memory), each replay's time, and the time of filling the
/// per-instruction records.
nlohmann::ordered_json replay_benchmark(const chip::ChipConfig& config, std::size_t events);

}  // namespace imcsim::bench
