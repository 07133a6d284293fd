#pragma once
// A co-design regression suite (docs/regress.md): the cases to run, where their golden reports live, and how far
// each metric of report.json may move before it counts as a regression.
//
// Contract: load_suite() validates everything it can without running a simulation (unknown or missing keys, bad
// tolerances, chip overrides, model names, drift times) and throws InputError naming the suite file, line and
// key; a Suite it returns only needs running.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "apps/report_diff.h"

namespace imcsim::apps {

/// What a case runs: a model (`imcsim run --model`), a shape-only workload file (`imcsim run --workload`, timing
/// and energy only) or a recorded trace (`imcsim trace replay`, timing and energy only). A new kind plugs in
/// here, in load_suite() (its keys) and in case_arguments() (its command line).
enum class CaseKind { model, workload, trace };

struct RegressCase {
  std::string name;  ///< also the golden's file name: <golden>/<name>.json
  int line = 0;      ///< where the case starts in the suite file
  std::string chip = "hermes64";
  std::vector<std::string> overrides;  ///< `set:` as "key.path=value", as `imcsim run --set`
  CaseKind kind = CaseKind::model;
  std::string source;  ///< the zoo model's name, or a path resolved against the suite's directory
  std::string dataset = "fashion-mnist";
  int images = 0;                           ///< 0: every image, as `imcsim run`
  std::string drift_times = "1s,1h,1d,1y";  ///< comma-separated, as --drift-times
  std::optional<std::uint64_t> seed;        ///< absent: the chip config's sim.seed
  bool timing_only = false;                 ///< model cases: `imcsim run --timing-only`
};

struct Suite {
  std::string file;
  std::string golden_dir;  ///< resolved against the suite's directory
  DiffRules rules;
  std::vector<RegressCase> cases;

  std::string golden_path(const RegressCase& c) const { return golden_dir + "/" + c.name + ".json"; }
};

/// Reads and validates a suite file.
Suite load_suite(const std::string& path);

/// The arguments of the imcsim child process that runs `c` with `threads` threads and writes its report.json
/// into `out_dir`.
std::vector<std::string> case_arguments(const RegressCase& c, const std::string& out_dir, int threads);

}  // namespace imcsim::apps
