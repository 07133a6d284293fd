#include "regress/run_suite.h"

#include <filesystem>
#include <fstream>
#include <mutex>

#include "base/child_process.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "base/scratch_directory.h"
#include "base/task_pool.h"
#include "base/text.h"

namespace imcsim::regress {

namespace {

namespace fs = std::filesystem;

/// Runs case `c` into `out_dir` and parses its report; a failure is a failed_to_run result.
CaseResult run_case(const RegressCase& c, const std::string& out_dir, const SuiteRunOptions& o) {
  CaseResult r;
  const ChildResult child = run_child(o.executable, run_job_arguments(c, out_dir, o.threads));
  if (child.exit_code != 0) {
    r.error = "imcsim run exited with " + std::to_string(child.exit_code) + ": " + child.err;
    return r;
  }
  const std::string report_path = out_dir + "/report.json";
  std::error_code ec;
  if (!fs::is_regular_file(report_path, ec)) {
    r.error = "imcsim run wrote no " + report_path;
    return r;
  }
  try {
    r.report = nlohmann::ordered_json::parse(read_file_text(report_path));
  } catch (const nlohmann::json::exception& e) {
    r.error = std::string("its report.json does not parse: ") + e.what();
    return r;
  }
  r.status = CaseStatus::compared;
  return r;
}

/// Compares a run's report with the golden of its case.
void compare_with_golden(const Suite& suite, const RegressCase& c, CaseResult& r) {
  std::ifstream in(suite.golden_path(c));
  if (!in) {
    r.status = CaseStatus::no_golden;
    return;
  }
  nlohmann::ordered_json golden;
  try {
    golden = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    r.status = CaseStatus::unreadable_golden;
    r.error = e.what();
    return;
  }
  r.diff = diff_reports(golden, r.report, c.rules);
}

}  // namespace

std::vector<CaseResult> run_suite(const Suite& suite, const SuiteRunOptions& options,
                                  const std::function<void(std::size_t)>& started) {
  const ScratchDirectory scratch("imcsim_regress");
  std::vector<CaseResult> results(suite.cases.size());
  std::mutex started_mutex;
  run_tasks(suite.cases.size(), options.jobs, [&](std::size_t k) {
    const RegressCase& c = suite.cases[k];
    {
      const std::lock_guard<std::mutex> lock(started_mutex);
      started(k);
    }
    try {
      results[k] = run_case(c, scratch.path() + "/" + c.name, options);
    } catch (const std::exception& e) {
      results[k].error = e.what();
    }
  });
  for (std::size_t k = 0; k < suite.cases.size(); ++k) {
    if (results[k].status == CaseStatus::compared) {
      compare_with_golden(suite, suite.cases[k], results[k]);
    }
  }
  return results;
}

bool fails(const CaseResult& result) { return result.status != CaseStatus::compared || result.diff.regressed(); }

void write_goldens(const Suite& suite, const std::vector<CaseResult>& results) {
  for (const auto& r : results) {
    if (r.status == CaseStatus::failed_to_run) {
      throw Error("no golden written, since a case of " + suite.file + " failed to run");
    }
  }
  fs::create_directories(suite.golden_dir);
  for (std::size_t k = 0; k < suite.cases.size(); ++k) {
    const RegressCase& c = suite.cases[k];
    write_file_atomically(suite.golden_path(c), without_ignored(results[k].report, c.rules).dump(2) + "\n");
  }
}

}  // namespace imcsim::regress
