#pragma once
// Running a regression suite (docs/regress.md): every case as a child process of the simulator, each report
// compared with its golden under the case's rules; and rewriting the goldens (--update).
//
// Contract: run_suite() never prints; it reports each case as it starts through a callback and returns what
// happened to every case, in the suite's order. A case that fails to run, or has no or an unreadable golden, is
// a result, not an exception; only a failure to create the scratch directory throws (and what `started` throws,
// once the cases under way have finished; the scratch directory is removed either way).

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "regress/report_diff.h"
#include "regress/suite.h"

namespace imcsim::regress {

enum class CaseStatus {
  compared,           ///< the run's report was compared with its golden (diff tells how it went)
  failed_to_run,      ///< the run failed or left no readable report.json (error tells why)
  no_golden,          ///< there is no golden file yet
  unreadable_golden,  ///< the golden file does not parse (error tells why)
};

struct CaseResult {
  CaseStatus status = CaseStatus::failed_to_run;
  std::string error;
  nlohmann::ordered_json report;  ///< the run's report.json (unless failed_to_run)
  ReportDiff diff;                ///< compared only
};

struct SuiteRunOptions {
  std::string executable;  ///< the imcsim binary that runs each case (run_job_arguments)
  int jobs = 1;            ///< cases run at once
  int threads = 1;         ///< accuracy-path threads of each case's run
};

/// Runs every case of `suite`, `jobs` at a time, calling `started(k)` (serialised, on any thread) as case k
/// starts, and compares each report with its golden.
std::vector<CaseResult> run_suite(const Suite& suite, const SuiteRunOptions& options,
                                  const std::function<void(std::size_t)>& started);

/// Whether `result` fails the suite: a regression, a failed run or a missing or unreadable golden.
bool fails(const CaseResult& result);

/// Writes each case's report (without what its rules ignore) as its golden, whole or not at all per file.
/// Throws imcsim::Error when a case failed to run: then no golden is written.
void write_goldens(const Suite& suite, const std::vector<CaseResult>& results);

}  // namespace imcsim::regress
