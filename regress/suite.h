#pragma once
// A co-design regression suite (docs/regress.md): the cases to run, where their golden reports live, and how far
// each metric of report.json may move before it counts as a regression (the suite's rules, or a case's own).
//
// Contract: load_suite() validates everything it can without running a simulation (unknown or missing keys, bad
// tolerances, chip overrides, model names, drift times) and throws InputError naming the suite file, line and
// key; a Suite it returns only needs running.

#include <string>
#include <vector>

#include "regress/report_diff.h"
#include "regress/run_job.h"

namespace imcsim::regress {

struct RegressCase : RunJob {
  std::string name;  ///< also the golden's file name: <golden>/<name>.json
  int line = 0;      ///< where the case starts in the suite file
  DiffRules rules;   ///< the suite's tolerances and ignore list, or the case's own where it gives them
};

struct Suite {
  std::string file;
  std::string golden_dir;  ///< resolved against the suite's directory
  std::vector<RegressCase> cases;

  std::string golden_path(const RegressCase& c) const { return golden_dir + "/" + c.name + ".json"; }
};

/// Reads and validates a suite file.
Suite load_suite(const std::string& path);

}  // namespace imcsim::regress
