// imcsim sweep SWEEP.yaml: design-space exploration (docs/sweep.md). Runs every point of a sweep file as an imcsim
// child process (SystemC elaborates once per process) on --jobs local workers, or over the ranks of
// `mpirun -np K imcsim sweep ...`, or one shard of it (--shard i/n); journals each finished point so that the
// same command resumes a stopped sweep; writes results.csv, results.json and sweep.html with the Pareto front.
// `imcsim sweep merge --out DIR SHARD_DIR...` combines the shards' journals into one set of results.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "apps/commands.h"
#include "apps/progress.h"
#include "apps/sweep_journal.h"
#include "apps/sweep_mpi.h"
#include "apps/sweep_runner.h"
#include "apps/sweep_spec.h"
#include "base/errors.h"
#include "sweep/pareto.h"
#include "sweep/results_files.h"

namespace imcsim::apps {

namespace {

namespace fs = std::filesystem;

struct SweepOptions {
  std::string file;
  std::string out;  ///< default: sweep-NAME (sweep-NAME-shard-I-of-N for a shard)
  int jobs = 1;
  int threads = 0;    ///< per point; 0: the cores shared out among the jobs
  std::string shard;  ///< "i/n", i from 1
  bool restart = false;
  bool allow_changed = false;
};

struct MergeOptions {
  std::string out;
  std::vector<std::string> shards;
};

/// Parses "i/n" (1 <= i <= n) into {i, n}.
std::pair<int, int> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t used_i = 0, used_n = 0;
      const int i = std::stoi(text.substr(0, slash), &used_i);
      const int n = std::stoi(text.substr(slash + 1), &used_n);
      if (used_i == slash && used_n == text.size() - slash - 1 && n >= 1 && i >= 1 && i <= n) {
        return {i, n};
      }
    }
  } catch (const std::exception&) {
  }
  throw ParameterError("--shard", "'" + text + "' is not i/n with 1 <= i <= n (e.g. 2/4)");
}

/// Prints a line per finished point with the count, failures and the time left.
class SweepProgress {
 public:
  SweepProgress(int already, int total) : m_done(already), m_total(total), m_start(std::chrono::steady_clock::now()) {}

  void point(const PointOutcome& o) {
    ++m_done;
    ++m_this_run;
    if (o.row.status == sweep::PointStatus::failed) {
      ++m_failed;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double left = elapsed / m_this_run * (m_total - m_done);
    std::cerr << "imcsim sweep: " << m_done << "/" << m_total << " points (" << m_failed << " failed), point "
              << o.row.point << (o.row.status == sweep::PointStatus::ok ? " ok" : " FAILED: " + o.row.error) << ", "
              << format_duration(left) << " left\n";
  }

 private:
  int m_done;
  int m_total;
  int m_this_run = 0;
  int m_failed = 0;
  std::chrono::steady_clock::time_point m_start;
};

void print_summary(const sweep::SweepTable& table, const std::string& out) {
  int failed = 0;
  for (const auto& r : table.rows) {
    failed += r.status == sweep::PointStatus::failed ? 1 : 0;
  }
  std::printf("imcsim sweep %s: %zu of %d points done, %d failed; results in %s\n", table.name.c_str(),
              table.rows.size(), table.total_points, failed, out.c_str());
  if (!table.objectives.empty()) {
    const std::vector<int> front = sweep::pareto_front(table);
    std::printf("Pareto front (%zu points):\n%s", front.size(), sweep::front_summary_text(table, front, 10).c_str());
  }
  for (const auto& r : table.rows) {
    if (r.status == sweep::PointStatus::failed) {
      std::printf("  point %d failed: %s\n", r.point, r.error.c_str());
    }
  }
}

void run_sweep(const SweepOptions& o) {
  const SweepSpec spec = load_sweep(o.file);
  std::vector<int> selected;
  std::string out = o.out.empty() ? "sweep-" + spec.name : o.out;
  if (!o.shard.empty()) {
    const auto [i, n] = parse_shard(o.shard);
    for (int k = i - 1; k < static_cast<int>(spec.points.size()); k += n) {
      selected.push_back(k);
    }
    if (o.out.empty()) {
      out += "-shard-" + std::to_string(i) + "-of-" + std::to_string(n);
    }
  } else {
    for (int k = 0; k < static_cast<int>(spec.points.size()); ++k) {
      selected.push_back(k);
    }
  }
  const int threads =
      o.threads > 0 ? o.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / o.jobs);
  const auto run = [&](const PointTask& t) { return run_point(spec, t, point_directory(out, spec, t.point), threads); };

  std::unique_ptr<MpiSession> mpi;
  if (launched_by_mpirun()) {
    mpi = std::make_unique<MpiSession>();
    if (mpi->rank() != 0) {
      run_on_ranks(*mpi, {}, run, {}, empty_table(spec).metrics);
      return;
    }
  }
  std::error_code ec;
  fs::create_directories(out + "/points", ec);
  if (ec) {
    throw ParameterError("--out", "cannot create " + out + ": " + ec.message());
  }
  const JournalMode mode = o.restart         ? JournalMode::restart
                           : o.allow_changed ? JournalMode::allow_changed
                                             : JournalMode::resume;
  std::unique_ptr<Journal> journal;
  std::vector<PointTask> tasks;
  std::exception_ptr journal_error;
  try {
    journal = std::make_unique<Journal>(out + "/journal.jsonl", spec, mode);
    tasks = plan_tasks(spec, selected, journal->finished());
  } catch (...) {
    // Under MPI the other ranks still wait for work: release them before failing.
    journal_error = std::current_exception();
  }
  const int already = static_cast<int>(selected.size() - tasks.size());
  if (!journal_error && already > 0) {
    std::cerr << "imcsim sweep: resuming " << out << ": " << already << " of " << selected.size()
              << " points already done\n";
  }
  SweepProgress progress(already, static_cast<int>(selected.size()));
  const auto done = [&](const PointOutcome& outcome) {
    journal->record(outcome);
    progress.point(outcome);
  };
  if (mpi) {
    run_on_ranks(*mpi, tasks, run, done, empty_table(spec).metrics);
  } else {
    run_local(spec, tasks, out, o.jobs, threads, done);
  }
  if (journal_error) {
    std::rethrow_exception(journal_error);
  }
  std::map<int, PointOutcome> mine;
  for (const int k : selected) {
    const auto found = journal->finished().find(k);
    if (found != journal->finished().end()) {
      mine.insert(*found);
    }
  }
  const sweep::SweepTable table = assemble_table(empty_table(spec), mine, accuracy_flags(spec));
  sweep::write_sweep_files(out, table);
  print_summary(table, out);
}

void merge_shards(const MergeOptions& o) {
  JournalContents merged;
  for (std::size_t k = 0; k < o.shards.size(); ++k) {
    const std::string path = o.shards[k] + "/journal.jsonl";
    JournalContents shard = read_journal(path);
    if (k == 0) {
      merged.fingerprint = shard.fingerprint;
      merged.frame = shard.frame;
      merged.accuracy_metric = shard.accuracy_metric;
    } else if (shard.fingerprint != merged.fingerprint) {
      throw InputError(path, 1, 1, "fingerprint",
                       "this shard ran a different sweep (" + shard.fingerprint + ") than " + o.shards[0] + " (" +
                           merged.fingerprint + ")");
    }
    for (auto& [index, outcome] : shard.outcomes) {
      const auto [at, inserted] = merged.outcomes.emplace(index, outcome);
      if (!inserted && outcome_json(at->second, merged.frame.metrics)["metrics"] !=
                           outcome_json(outcome, merged.frame.metrics)["metrics"]) {
        throw InputError(path, 0, 0, "point " + std::to_string(index),
                         "the point differs from the same point in an earlier shard");
      }
    }
  }
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) {
    throw ParameterError("--out", "cannot create " + o.out + ": " + ec.message());
  }
  write_journal(o.out + "/journal.jsonl", merged);
  const sweep::SweepTable table = assemble_table(merged.frame, merged.outcomes, merged.accuracy_metric);
  sweep::write_sweep_files(o.out, table);
  if (static_cast<int>(table.rows.size()) < table.total_points) {
    std::cerr << "imcsim sweep merge: " << table.total_points - static_cast<int>(table.rows.size())
              << " points are in no shard's journal\n";
  }
  print_summary(table, o.out);
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SweepOptions>();
  auto m = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Design-space exploration: every point of a sweep file, its results table and Pareto front");
  cmd->add_option("sweep", o->file, "The sweep file (YAML; docs/sweep.md)");
  cmd->add_option("--out", o->out, "Output directory (default: sweep-NAME)");
  cmd->add_option("--jobs", o->jobs, "Points run at once, each in its own process")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads of each point's accuracy path (default: cores / jobs)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--shard", o->shard, "Run only shard i of n (points i-1, i-1+n, ...), e.g. 2/4");
  auto* restart = cmd->add_flag("--restart", o->restart, "Discard the journal of an earlier run and start over");
  cmd->add_flag("--allow-changed", o->allow_changed,
                "Resume although the sweep file changed, keeping the points whose settings did not")
      ->excludes(restart);
  CLI::App* merge = cmd->add_subcommand("merge", "Combine the journals of shards (--shard) into one set of results");
  merge->add_option("--out", m->out, "Output directory of the merged results")->required();
  merge->add_option("shards", m->shards, "The shards' output directories")->required();
  merge->callback([m, &exit_code]() {
    merge_shards(*m);
    exit_code = 0;
  });
  cmd->callback([o, cmd, merge, &exit_code]() {
    if (merge->parsed()) {
      return;
    }
    if (o->file.empty()) {
      throw ParameterError("sweep", "give a sweep file (imcsim sweep SWEEP.yaml) or merge");
    }
    run_sweep(*o);
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
