#pragma once
// Timelines for Perfetto (ui.perfetto.dev) and chrome://tracing: the Trace Event JSON format.
//
// Layout. One process per core ("core 12"), with a thread (track) per unit that was busy: "array" (mvm, mvmt,
// update, program), "digital unit" (act, pool, acc), "global digital unit" (gdu) and "ports" (the buffer side of
// load, store and send). One process "network" with a track per link ("link 3->4", lt mode: every packet's hold
// of the link); when no link was recorded (at mode) the transfers themselves, end to end, packed into as few
// tracks "transfers N" as keep them from overlapping. Process and thread names come as metadata events
// ("ph": "M"), sort indices keep cores in order.
//
// Slices are complete events ("ph": "X", "ts" and "dur" in microseconds, to the picosecond). Given the Program,
// a slice is named by the layer its instruction works for (Program::layers; "conv1", or "conv1 programming" for
// the programming phase when instruction_inference says so), else by the instruction's op; "args" carry the op,
// the layer, the inference and the instruction's size (vectors, elements or bytes). Without the Program,
// slices carry the recorded names ("mvm", "packet", "3->4").
//
// Contract: tids are unique over the whole trace; per track, slices are sorted by start and, as recorded by the
// timed model (a core unit or a link holds one thing at a time), do not overlap.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/simulation_result.h"
#include "firmware/program.h"

namespace imcsim::report {

/// `program`: what ran (may be null); `instruction_inference`: per instruction its inference, -1 for the
/// programming phase (firmware::CompiledModel::instruction_inference; may be empty).
nlohmann::ordered_json chrome_trace(const std::vector<chip::TimelineEvent>& events,
                                    const firmware::Program* program = nullptr,
                                    const std::vector<int>& instruction_inference = {});
/// The trace as text, one event per line (compact, yet a diff or grep shows single events).
std::string chrome_trace_text(const nlohmann::ordered_json& trace);

}  // namespace imcsim::report
