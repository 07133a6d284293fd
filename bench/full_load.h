#pragma once
// The load of the timed benchmark (bench/timed_bench.h): every core of a chip busy with MVMs, nothing else.

#include "firmware/program.h"

namespace imcsim::bench {

/// A Program named "full_load" in which each of cores 0 .. cores-1 runs `mvms_per_core` single-vector MVMs of
/// rows x cols back to back: cores x mvms_per_core MVM instructions, core by core, no data movement.
firmware::Program full_load_program(int cores, int rows, int cols, int mvms_per_core);

}  // namespace imcsim::bench
