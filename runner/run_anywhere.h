#pragma once
// Runs for loops over candidates (searches, calibration sweeps, training schedules): the caller asks for a
// report and does not care where the run happens. SystemC elaborates once per process (chip/simulation.h), so
// the first timed run of a process runs here and every later one in an imcsim worker process (`imcsim run`,
// started with the same request), whose report.json is read back. Both give the same report for the same request
// (tests/runner/run_library_test.cpp holds them together). A loop that needs only accuracy calls
// runner::evaluate_accuracy (runner/run.h), which never leaves the process.
//
// Contract: throws what run() throws (a worker's error is rethrown as imcsim::Error with the worker's message);
// never exits or prints. A worker reads the chip from chip::to_yaml(request.chip): a technology table changed in
// code, not loaded from request.chip.technology_file, does not reach it. Thread-safe: of calls from several threads, at
// most the first runs here, the others (at once, without waiting for it) in worker processes.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/run.h"

namespace imcsim::runner {

/// report_json() of run(request): in this process if it can still simulate, in a worker process otherwise.
/// `progress` is told only about a run in this process.
nlohmann::ordered_json run_report(const RunRequest& request, const RunProgress& progress = {});

/// run_report() of every request, at most `jobs` at a time (each its own worker process but the first); the
/// reports in the requests' order. The first error is rethrown once the runs under way have finished.
std::vector<nlohmann::ordered_json> run_reports(const std::vector<RunRequest>& requests, int jobs);

/// The imcsim executable that worker processes run: $IMCSIM_BINARY, else this process if it is imcsim, else the
/// build tree's or the installed one. Throws imcsim::Error when none exists.
std::string imcsim_executable();

/// The `imcsim run` arguments that run `request` in a worker process (the chip as the YAML file `chip_file`,
/// which the caller writes with chip::to_yaml), writing report.json into `out_dir`. Throws Error for a training
/// step with a given activity, which no command-line argument carries.
std::vector<std::string> run_arguments(const RunRequest& request, const std::string& chip_file,
                                       const std::string& model_file, const std::string& out_dir);

}  // namespace imcsim::runner
