// imcsim regress SUITE.yaml: runs every case of a co-design regression suite (apps/regress_suite.h), compares
// each report.json with its golden copy under the suite's tolerances (apps/report_diff.h) and prints what moved.
// Exit 0 when nothing regressed, 1 when a metric moved beyond its tolerance, a key was added or went missing, a
// golden is missing or a case failed to run; errors in the suite file exit 2 (main). --update rewrites the
// goldens instead. See docs/regress.md.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "apps/regress_suite.h"
#include "apps/report_diff.h"
#include "apps/worker.h"
#include "base/errors.h"
#include "base/output_file.h"

namespace imcsim::apps {

namespace {

namespace fs = std::filesystem;

struct RegressOptions {
  std::string suite;
  bool update = false;
  int jobs = 1;
  int threads = 1;
};

/// What running one case left: its report.json's text, or why there is none.
struct CaseRun {
  bool ok = false;
  std::string report;
  std::string error;
};

CaseRun run_case(const RegressCase& c, const std::string& out_dir, int threads) {
  CaseRun r;
  const ChildResult child = run_child(run_job_arguments(c, out_dir, threads));
  if (child.exit_code != 0) {
    r.error = "imcsim run exited with " + std::to_string(child.exit_code) + ": " + child.err;
    return r;
  }
  std::ifstream in(out_dir + "/report.json", std::ios::binary);
  if (!in) {
    r.error = "imcsim run wrote no " + out_dir + "/report.json";
    return r;
  }
  r.report.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  r.ok = true;
  return r;
}

/// Runs every case, `jobs` child processes at a time; results in the suite's order.
std::vector<CaseRun> run_cases(const Suite& suite, const std::string& scratch, const RegressOptions& o) {
  std::vector<CaseRun> runs(suite.cases.size());
  std::mutex print;
  run_tasks(suite.cases.size(), o.jobs, [&](std::size_t k) {
    const RegressCase& c = suite.cases[k];
    {
      const std::lock_guard<std::mutex> lock(print);
      std::cerr << "imcsim regress: running " << c.name << " (" << k + 1 << " of " << suite.cases.size() << ")\n";
    }
    try {
      runs[k] = run_case(c, scratch + "/" + c.name, o.threads);
    } catch (const Error& e) {
      runs[k].error = e.what();
    }
  });
  return runs;
}

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

int regress(const RegressOptions& o) {
  const Suite suite = load_suite(o.suite);
  const std::string scratch = (fs::temp_directory_path() / ("imcsim_regress_" + std::to_string(getpid()))).string();
  fs::create_directories(scratch);
  std::vector<CaseRun> runs = run_cases(suite, scratch, o);
  std::vector<nlohmann::ordered_json> reports(runs.size());
  std::error_code ignore_error;
  fs::remove_all(scratch, ignore_error);

  std::vector<std::pair<std::string, MetricChange>> rows;
  std::vector<std::string> verdicts;
  bool failed = false;
  bool runs_failed = false;
  for (std::size_t k = 0; k < suite.cases.size(); ++k) {
    const RegressCase& c = suite.cases[k];
    CaseRun& run = runs[k];
    const std::string golden_path = suite.golden_path(c);
    if (run.ok) {
      try {
        reports[k] = nlohmann::ordered_json::parse(run.report);
      } catch (const nlohmann::json::exception& e) {
        run.ok = false;
        run.error = std::string("its report.json does not parse: ") + e.what();
      }
    }
    if (!run.ok) {
      verdicts.push_back(c.name + ": FAILED to run (" + o.suite + ":" + std::to_string(c.line) + "): " + run.error);
      failed = runs_failed = true;
      continue;
    }
    std::ifstream in(golden_path);
    if (!in) {
      if (o.update) {
        verdicts.push_back(c.name + ": new golden " + golden_path);
      } else {
        verdicts.push_back(c.name + ": NO GOLDEN at " + golden_path + "; run `imcsim regress " + o.suite +
                           " --update` to create it, then review and commit it");
        failed = true;
      }
      continue;
    }
    nlohmann::ordered_json golden;
    try {
      golden = nlohmann::ordered_json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      verdicts.push_back(c.name + ": UNREADABLE golden " + golden_path + ": " + e.what());
      failed = failed || !o.update;
      continue;
    }
    const ReportDiff diff = diff_reports(golden, reports[k], suite.rules);
    for (const auto& change : diff.changes) {
      rows.emplace_back(c.name, change);
    }
    const auto moved = diff.changes.size();
    const auto beyond = std::count_if(diff.changes.begin(), diff.changes.end(),
                                      [](const MetricChange& m) { return m.verdict != Verdict::within; });
    std::string line = c.name + ": " + (diff.regressed() ? (o.update ? "changed" : "REGRESSED") : "pass") + " (" +
                       std::to_string(diff.compared) + " values compared, " + std::to_string(moved) + " moved";
    if (beyond > 0) {
      line += ", " + std::to_string(beyond) + " beyond tolerance or added/missing";
    }
    verdicts.push_back(line + ")");
    if (diff.regressed() && !o.update) {
      failed = true;
    }
  }

  if (!rows.empty()) {
    std::cout << (o.update ? "what moved against the old goldens:\n" : "what moved:\n");
    print_table(rows);
  }
  for (const auto& v : verdicts) {
    std::cout << v << "\n";
  }

  if (o.update) {
    if (runs_failed) {
      std::cout << "imcsim regress: no golden rewritten, since a case failed to run\n";
      return 1;
    }
    fs::create_directories(suite.golden_dir);
    for (std::size_t k = 0; k < suite.cases.size(); ++k) {
      write_file_atomically(suite.golden_path(suite.cases[k]), without_ignored(reports[k], suite.rules).dump(2) + "\n");
    }
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
