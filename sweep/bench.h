#pragma once
// The sweep benchmark (`imcsim bench sweep`, docs/sweep.md): the wall time of one sweep run with 1 job, with 2
// jobs and over 2 MPI ranks, and the speed-ups.

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::sweep {

/// Runs `sweep_file` three times from scratch (`executable sweep ... --restart`, `executable` an imcsim binary)
/// with one thread per point: `--jobs 1`, `--jobs 2` and `mpirun -np 2` (left out, its figures null, in a build
/// without MPI), checks that the results.csv are identical, and returns the times and speed-ups. Throws
/// imcsim::Error with a run's output when one fails.
nlohmann::ordered_json bench_sweep(const std::string& executable, const std::string& sweep_file);

}  // namespace imcsim::sweep
