#include "sweep/run_sweep.h"

#include <filesystem>
#include <memory>

#include "base/errors.h"
#include "sweep/local_runner.h"
#include "sweep/mpi_runner.h"
#include "sweep/planner.h"
#include "sweep/results_files.h"

namespace imcsim::sweep {

namespace {

namespace fs = std::filesystem;

/// Creates `out` and its subdirectory `sub` (may be empty).
void create_output_directory(const std::string& out, const std::string& sub) {
  std::error_code ec;
  fs::create_directories(sub.empty() ? out : out + "/" + sub, ec);
  if (ec) {
    throw ParameterError("--out", "cannot create " + out + ": " + ec.message());
  }
}

}  // namespace

std::optional<SweepTable> run_sweep(const SweepSpec& spec, const SweepRunOptions& o, const SweepCallbacks& callbacks) {
  std::vector<int> selected;
  for (int k = o.shard_index - 1; k < static_cast<int>(spec.points.size()); k += o.shard_count) {
    selected.push_back(k);
  }
  const auto run = [&](const PointTask& t) {
    return run_point(o.executable, spec, t, point_directory(o.out, spec, t.point), o.threads);
  };

  std::unique_ptr<MpiSession> mpi;
  if (launched_by_mpirun()) {
    mpi = std::make_unique<MpiSession>();
    if (mpi->rank() != 0) {
      run_on_ranks(*mpi, {}, run, {}, empty_table(spec).metrics);
      return std::nullopt;
    }
  }
  create_output_directory(o.out, "points");
  std::unique_ptr<Journal> journal;
  std::vector<PointTask> tasks;
  std::exception_ptr journal_error;
  try {
    journal = std::make_unique<Journal>(o.out + "/journal.jsonl", spec, o.mode);
    tasks = plan_tasks(spec, selected, journal->finished());
  } catch (...) {
    // Under MPI the other ranks still wait for work: release them before failing.
    journal_error = std::current_exception();
  }
  if (!journal_error && callbacks.started) {
    callbacks.started(static_cast<int>(selected.size() - tasks.size()), static_cast<int>(selected.size()));
  }
  const auto done = [&](const PointOutcome& outcome) {
    journal->record(outcome);
    if (callbacks.point_done) {
      callbacks.point_done(outcome);
    }
  };
  if (mpi) {
    run_on_ranks(*mpi, tasks, run, done, empty_table(spec).metrics);
  } else {
    run_local(o.executable, spec, tasks, o.out, o.jobs, o.threads, done);
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
  SweepTable table = assemble_table(empty_table(spec), mine, accuracy_flags(spec));
  write_sweep_files(o.out, table);
  return table;
}

SweepTable merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out) {
  JournalContents merged;
  for (std::size_t k = 0; k < shard_dirs.size(); ++k) {
    const std::string path = shard_dirs[k] + "/journal.jsonl";
    JournalContents shard = read_journal(path);
    if (k == 0) {
      merged.fingerprint = shard.fingerprint;
      merged.frame = shard.frame;
      merged.accuracy_metric = shard.accuracy_metric;
    } else if (shard.fingerprint != merged.fingerprint) {
      throw InputError(path, 1, 1, "fingerprint",
                       "this shard ran a different sweep (" + shard.fingerprint + ") than " + shard_dirs[0] + " (" +
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
  create_output_directory(out, "");
  write_journal(out + "/journal.jsonl", merged);
  SweepTable table = assemble_table(merged.frame, merged.outcomes, merged.accuracy_metric);
  write_sweep_files(out, table);
  return table;
}

}  // namespace imcsim::sweep
