#pragma once
// `imcsim bench sweep`: the wall time of one sweep run with 1 job, with 2 jobs and over 2 MPI ranks, and the
// speed-ups (docs/sweep.md).

#include <nlohmann/json.hpp>
#include <string>

namespace imcsim::apps {

/// Runs `sweep_file` three times from scratch (--restart) with one thread per point: `--jobs 1`, `--jobs 2` and
/// `mpirun -np 2`, checks that the three results.csv are identical, and returns the times and speed-ups.
nlohmann::ordered_json bench_sweep(const std::string& sweep_file);

}  // namespace imcsim::apps
