// imcsim regress SUITE.yaml: runs every case of a co-design regression suite (regress/run_suite.h), which
// compares each report.json with its golden copy under the case's tolerances (regress/report_diff.h), and prints
// what moved.
// Exit 0 when nothing regressed, 1 when a metric moved beyond its tolerance, a key was added or went missing, a
// golden is missing or a case failed to run; errors in the suite file exit 2 (main). --update rewrites the
// goldens instead. See docs/regress.md.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "apps/commands.h"
#include "base/child_process.h"
#include "regress/report_diff.h"
#include "regress/run_suite.h"
#include "regress/suite.h"

namespace imcsim::apps {

namespace {

using regress::CaseResult;
using regress::CaseStatus;
using regress::MetricChange;
using regress::RegressCase;
using regress::Suite;
using regress::Verdict;

struct RegressOptions {
  std::string suite;
  bool update = false;
  int jobs = 1;
  int threads = 1;
};

std::string clip(const std::string& s, std::size_t width = 32) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::within:
      return "within";
    case Verdict::regressed:
      return "REGRESSED";
    case Verdict::added:
      return "ADDED";
    case Verdict::missing:
      return "MISSING";
  }
  return "";
}

void print_table(const std::vector<std::pair<std::string, MetricChange>>& rows) {
  std::vector<std::vector<std::string>> cells{{"case", "metric", "golden", "now", "delta", "tolerance", "verdict"}};
  for (const auto& [name, c] : rows) {
    char delta[48] = "-";
    if (!std::isnan(c.delta)) {
      std::snprintf(delta, sizeof delta, "%+.4g", c.delta);
    }
    cells.push_back({name, c.path, clip(c.golden), clip(c.now), delta, c.tolerance, verdict_name(c.verdict)});
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (std::size_t k = 0; k < row.size(); ++k) {
      width[k] = std::max(width[k], row[k].size());
    }
  }
  for (const auto& row : cells) {
    std::string line = " ";
    for (std::size_t k = 0; k < row.size(); ++k) {
      const bool right = k >= 2 && k <= 5;
      const std::string pad(width[k] - row[k].size(), ' ');
      line += " " + (right ? pad + row[k] : row[k] + pad);
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    std::cout << line << "\n";
  }
}

/// The verdict line of one case.
std::string verdict_line(const Suite& suite, const RegressCase& c, const CaseResult& r, bool update) {
  switch (r.status) {
    case CaseStatus::failed_to_run:
      return c.name + ": FAILED to run (" + suite.file + ":" + std::to_string(c.line) + "): " + r.error;
    case CaseStatus::no_golden:
      return update ? c.name + ": new golden " + suite.golden_path(c)
                    : c.name + ": NO GOLDEN at " + suite.golden_path(c) + "; run `imcsim regress " + suite.file +
                          " --update` to create it, then review and commit it";
    case CaseStatus::unreadable_golden:
      return c.name + ": UNREADABLE golden " + suite.golden_path(c) + ": " + r.error;
    case CaseStatus::compared:
      break;
  }
  const auto moved = r.diff.changes.size();
  const auto beyond = std::count_if(r.diff.changes.begin(), r.diff.changes.end(),
                                    [](const MetricChange& m) { return m.verdict != Verdict::within; });
  std::string line = c.name + ": " + (r.diff.regressed() ? (update ? "changed" : "REGRESSED") : "pass") + " (" +
                     std::to_string(r.diff.compared) + " values compared, " + std::to_string(moved) + " moved";
  if (beyond > 0) {
    line += ", " + std::to_string(beyond) + " beyond tolerance or added/missing";
  }
  return line + ")";
}

int regress(const RegressOptions& o) {
  const Suite suite = regress::load_suite(o.suite);
  const std::vector<CaseResult> results =
      regress::run_suite(suite, {self_executable(), o.jobs, o.threads}, [&suite](std::size_t k) {
        std::cerr << "imcsim regress: running " << suite.cases[k].name << " (" << k + 1 << " of " << suite.cases.size()
                  << ")\n";
      });
  std::vector<std::pair<std::string, MetricChange>> rows;
  bool failed = false;
  bool runs_failed = false;
  for (std::size_t k = 0; k < suite.cases.size(); ++k) {
    for (const auto& change : results[k].diff.changes) {
      rows.emplace_back(suite.cases[k].name, change);
    }
    failed = failed || regress::fails(results[k]);
    runs_failed = runs_failed || results[k].status == CaseStatus::failed_to_run;
  }
  if (!rows.empty()) {
    std::cout << (o.update ? "what moved against the old goldens:\n" : "what moved:\n");
    print_table(rows);
  }
  for (std::size_t k = 0; k < suite.cases.size(); ++k) {
    std::cout << verdict_line(suite, suite.cases[k], results[k], o.update) << "\n";
  }
  if (o.update) {
    if (runs_failed) {
      std::cout << "imcsim regress: no golden rewritten, since a case failed to run\n";
      return 1;
    }
    regress::write_goldens(suite, results);
    std::cout << "imcsim regress: wrote " << suite.cases.size() << " golden reports in " << suite.golden_dir
              << "; review the diff before committing\n";
    return 0;
  }
  std::cout << "imcsim regress: " << (failed ? "FAILED" : "passed") << " (" << suite.cases.size() << " cases)\n";
  return failed ? 1 : 0;
}

}  // namespace

void add_regress_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RegressOptions>();
  CLI::App* cmd =
      app.add_subcommand("regress", "Co-design regression: run a suite's cases and compare with golden reports");
  cmd->add_option("suite", o->suite, "The suite file (docs/regress.md)")->required();
  cmd->add_flag("--update", o->update, "Rewrite the golden reports from this run instead of comparing");
  cmd->add_option("--jobs,-j", o->jobs, "Cases run at once (one imcsim process each)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Accuracy-path threads of each case's run")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->callback([o, &exit_code]() { exit_code = regress(*o); });
}

}  // namespace imcsim::apps
