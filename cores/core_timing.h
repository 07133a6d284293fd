#pragma once
// The core's busy-until rule, the one implementation that the SystemC core (cores/core.h) and the trace replayer
// (traces/replay.h) share, so that they cannot drift apart. Plain C++ (no SystemC).
//
// The core keeps its time as sc_time does, in integer picoseconds (the kernel's resolution): a time in ns is
// rounded to ps as sc_time(ns, SC_NS) rounds it, and a ps count reads back in ns as sc_time::to_seconds() * 1e9
// reads it. The replayer times commands with the same functions, so a command's start and end are the same
// doubles in both: the link reservations that follow (interconnect/link_reservations.h) compare them exactly,
// and a gap that fits in one must fit in the other.

#include <cstdint>

namespace imcsim::cores {

/// The core's clock resolution: sc_time's default, 1 ps (the simulator never changes it).
constexpr double ps_per_ns = 1000.0;

/// ns -> integer ps, rounded as sc_time(ns, SC_NS) rounds it (ns >= 0).
inline std::int64_t ps_of_ns(double ns) {
  volatile double scaled = ns * ps_per_ns + 0.5;  // as sc_time: no extended precision
  return static_cast<std::int64_t>(scaled);
}

/// integer ps -> ns, as sc_time::to_seconds() * 1e9 reads it (resolution in fs, times 1e-15, times 1e9).
inline double ns_of_ps(std::int64_t ps) { return static_cast<double>(ps) * 1000.0 * 1e-15 * 1e9; }

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

/// schedule_command in the core's time: the arrival and the busy-until time in ps, the command's latency, its
/// streamed input's last datum (stream_tail_ns < 0: none) and its pipeline delay in ns, rounded to ps as the core
/// rounds them. The span is in ps (the core's next busy-until time is its end).
inline CommandSpan<std::int64_t> schedule_command_ps(std::int64_t arrival_ps, std::int64_t busy_until_ps,
                                                     double latency_ns, double stream_tail_ns, double pipeline_ns) {
  const bool streamed = stream_tail_ns >= 0;
  return schedule_command<std::int64_t>(arrival_ps, busy_until_ps, ps_of_ns(latency_ns), streamed,
                                        streamed ? ps_of_ns(stream_tail_ns + pipeline_ns) : 0);
}

}  // namespace imcsim::cores
