#pragma once
// Replay: re-times a trace's dependency graph on a chip configuration (possibly another design point: link
// width, ADC latency, clock, topology with the same core count) without numeric work and without SystemC.
//
// A light discrete-event engine runs one stream per core over the trace's events, with the controller's rules
// (firmware/controller.h): a recv continues at the later of its stream's time and the data's arrival (its first
// datum when streamed), a barrier releases every stream at the latest arrival, a streamed send leaves as the
// digital unit produces. The timing and cost rules themselves are the SystemC model's own code: the controller's
// stream rules (firmware/stream_rules.h), the core's busy-until rule (cores/core_timing.h), CoreCosts::cost, and
// the lt network's LinkReservations with its routing.
// Transfers are booked in the order of their start times, as the SystemC run books them (ties may be served in
// another order). Transfers are always timed with the lt link model, whatever interconnect.mode says.

#include <cstddef>
#include <vector>

#include "chip/chip_config.h"
#include "chip/simulation_result.h"
#include "firmware/model_compiler.h"
#include "traces/trace_file.h"

namespace imcsim::traces {

struct ReplayOptions {
  bool link_bookings = true;  ///< keep every link booking as a timeline event (link utilisation in the report)
};

struct ReplayResult {
  /// As simulate() fills it: latency_ns, energy_pj and its breakdown, busy_ns, cores_active, mvm_vectors, one
  /// InstructionRecord per event, the link bookings on "link S->D" timeline tracks (with link_bookings).
  chip::SimulationResult run;
  std::size_t events = 0;
  /// The replay itself: preparing the loaded trace (its streams, cost classes, mailboxes), re-timing every event
  /// and summing latency, busy time and energy. Not loading the trace, not filling run's records and timeline.
  double wall_s = 0;
  double records_s = 0;  ///< filling run.instructions (and its timeline) from the replayed events
};

/// Throws InputError (naming the trace) when the trace does not fit the chip (core count, a send to a node it
/// lacks, an instruction its cores cannot execute: the first such record in the trace) or its dependencies
/// deadlock.
ReplayResult replay_trace(const Trace& trace, const chip::ChipConfig& config, const ReplayOptions& options = {},
                          const std::string& source = "trace");

/// The compiled model the trace recorded (its Program rebuilt from the events, layers, inferences, MACs), for
/// chip::summarise_model_timing.
firmware::CompiledModel compiled_model_of(const Trace& trace);

}  // namespace imcsim::traces
