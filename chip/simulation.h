#pragma once
// Running a program on a chip from plain C++: elaborate, simulate, collect. SystemC elaborates once per
// process, so simulate() or time_model() can be called once per process (sweeps use worker processes). This header
// includes no SystemC, but its functions are the SystemC chip's (link imcsim::chip).

#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "chip/simulation_result.h"
#include "firmware/model_compiler.h"
#include "firmware/program.h"

namespace imcsim::chip {

struct SimulationOptions {
  bool numerics = false;  ///< run each core's crossbar (hw/) on its buffers for every MVM, not only the timing
  bool timeline = false;  ///< record every core's busy intervals, every network transfer and link booking
};

/// Whether this process can still simulate: SystemC has not started here yet (neither simulate() nor any other
/// elaboration, e.g. chip/timed_inference.h, ran).
bool can_simulate();

/// Throws InputError when the program does not fit the chip; throws Error if called twice in one process (or
/// after another elaboration: see can_simulate()).
SimulationResult simulate(const ChipConfig& config, const firmware::Program& program,
                          const SimulationOptions& options = {});

/// Runs the model's Program on the chip and summarises it (chip/model_timing.h). `options.timeline` is always on
/// (the link utilisation is taken from it). Throws what simulate() throws.
ModelTiming time_model(const ChipConfig& config, const firmware::CompiledModel& model,
                       const SimulationOptions& options = {});

}  // namespace imcsim::chip
