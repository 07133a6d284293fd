#pragma once
// Waveforms (Value Change Dump, IEEE 1364) of the timeline: one 1-bit wire per track (each core, the network,
// each link), high while the track is busy. Open with GTKWave or any waveform viewer. Written from the
// recorded busy intervals after the run (the loosely timed model knows an interval's end before the kernel
// reaches it, so SystemC's sc_trace, which samples signals at kernel time, cannot record it), timescale 1 ps.

#include <string>
#include <vector>

#include "chip/simulation_result.h"

namespace imcsim::report {

std::string vcd(const std::vector<chip::TimelineEvent>& events, const std::string& top = "chip");

}  // namespace imcsim::report
