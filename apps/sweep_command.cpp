// imcsim sweep SWEEP.yaml: design-space exploration (docs/sweep.md) through sweep/run_sweep.h: every point of a
// sweep file as an imcsim child process on --jobs local workers, or over the ranks of `mpirun -np K imcsim sweep
// ...`, or one shard of it (--shard i/n), resuming from the journal of an earlier run; prints progress and the
// Pareto front. `imcsim sweep merge --out DIR SHARD_DIR...` combines the shards' journals into one set of results.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>

#include "apps/commands.h"
#include "apps/progress.h"
#include "base/child_process.h"
#include "base/errors.h"
#include "sweep/pareto.h"
#include "sweep/run_sweep.h"
#include "sweep/sweep_spec.h"

namespace imcsim::apps {

namespace {

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

  void point(const sweep::PointOutcome& o) {
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

void run_sweep_command(const SweepOptions& o) {
  const sweep::SweepSpec spec = sweep::load_sweep(o.file);
  sweep::SweepRunOptions run;
  run.executable = self_executable();
  run.out = o.out.empty() ? "sweep-" + spec.name : o.out;
  if (!o.shard.empty()) {
    std::tie(run.shard_index, run.shard_count) = parse_shard(o.shard);
    if (o.out.empty()) {
      run.out += "-shard-" + std::to_string(run.shard_index) + "-of-" + std::to_string(run.shard_count);
    }
  }
  run.jobs = o.jobs;
  run.threads = o.threads > 0 ? o.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / o.jobs);
  run.mode = o.restart         ? sweep::JournalMode::restart
             : o.allow_changed ? sweep::JournalMode::allow_changed
                               : sweep::JournalMode::resume;
  std::optional<SweepProgress> progress;
  sweep::SweepCallbacks callbacks;
  callbacks.started = [&](int already, int total) {
    if (already > 0) {
      std::cerr << "imcsim sweep: resuming " << run.out << ": " << already << " of " << total
                << " points already done\n";
    }
    progress.emplace(already, total);
  };
  callbacks.point_done = [&](const sweep::PointOutcome& outcome) { progress->point(outcome); };
  const std::optional<sweep::SweepTable> table = sweep::run_sweep(spec, run, callbacks);
  if (table) {
    print_summary(*table, run.out);
  }
}

void merge_shards(const MergeOptions& o) {
  const sweep::SweepTable table = sweep::merge_shards(o.shards, o.out);
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
    run_sweep_command(*o);
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
