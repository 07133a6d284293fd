#pragma once
// The core's busy-until rule, the one implementation that the SystemC core (cores/core.h) and the trace replayer
// (traces/replay.h) share, so that they cannot drift apart. Plain C++; Time is sc_core::sc_time in the core
// (picosecond resolution, as before) and double nanoseconds in the replayer.

#include <algorithm>

namespace imcsim::cores {

template <class Time>
struct CommandSpan {
  Time start;
  Time end;
};

/// A command that arrives at `arrival` on a core busy until `busy_until` starts at the later of the two and ends
/// `latency` later. A streamed input (has_stream_tail) also cannot end before its last datum, arriving at
/// stream_tail, has passed the pipeline: end >= stream_tail + pipeline. The caller books the core until end.
template <class Time>
CommandSpan<Time> schedule_command(const Time& arrival, const Time& busy_until, const Time& latency,
                                   bool has_stream_tail, const Time& stream_tail_plus_pipeline) {
  const Time start = arrival > busy_until ? arrival : busy_until;
  Time end = start + latency;
  if (has_stream_tail && stream_tail_plus_pipeline > end) {
    end = stream_tail_plus_pipeline;
  }
  return {start, end};
}

}  // namespace imcsim::cores
