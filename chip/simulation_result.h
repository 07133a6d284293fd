#pragma once
// What a timed run of a program yields, as simulate() (chip/simulation.h) and the trace replayer (traces/replay.h)
// fill it: completion time, energy, per-instruction records, timeline and statistics. Plain C++ (no SystemC).

#include <string>
#include <vector>

#include "base/statistics.h"
#include "chip/energy_breakdown.h"
#include "firmware/instruction_record.h"

namespace imcsim::chip {

/// One busy interval on one track of the timeline: a core's command ("core12", named by its core op), a network
/// transfer ("network", "3->4") or one packet's hold of one link ("link 3->4", "packet").
struct TimelineEvent {
  std::string track;
  std::string name;
  double start_ns = 0;
  double end_ns = 0;
  /// The part of the track's component that was busy: for a core "array" (mvm, mvmt, update, program),
  /// "digital unit" (act, pool, acc), "global digital unit" (gdu) or "ports" (the buffer side of load, store,
  /// send); empty for the network and links.
  std::string unit;
  /// The Program instruction it served (index into Program::instructions): a core command's own instruction, a
  /// transfer's or link packet's load, store or send; -1 when none is known.
  int instruction = -1;
};

struct SimulationResult {
  double latency_ns = 0;                              ///< completion of the program
  double energy_pj = 0;                               ///< all components, static energy included
  EnergyBreakdown energy_breakdown_pj = every_energy_component();  ///< its components
  double busy_ns = 0;                                 ///< sum over cores of the time they were busy
  int cores_active = 0;                               ///< cores that executed at least one command
  double mvm_vectors = 0;
  double wall_s = 0;                    ///< wall-clock time of the simulation itself (sc_start)
  std::vector<TimelineEvent> timeline;  ///< with SimulationOptions::timeline: cores, transfers, link bookings
  std::vector<firmware::InstructionRecord> instructions;  ///< one per program instruction, in program order
  StatisticsRegistry stats;
};

}  // namespace imcsim::chip
