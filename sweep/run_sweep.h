#pragma once
// A whole sweep (docs/sweep.md): the points of a shard (or all) run on local worker processes or over the ranks
// of an MPI job, journalled as each finishes so that the same call resumes a stopped sweep, and the results files
// (results.csv, results.json, sweep.html) written from the journal; and the merge of shards' journals.
//
// Contract: neither function prints. Progress goes through the callbacks; errors throw imcsim::Error (a journal
// of a changed sweep, an output directory that cannot be created, a shard of another sweep).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sweep/journal.h"
#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"

namespace imcsim::sweep {

struct SweepRunOptions {
  std::string executable;  ///< the imcsim binary that runs each point
  std::string out;         ///< output directory: journal.jsonl, points/, results files
  int shard_index = 1;     ///< run points shard_index-1, shard_index-1+shard_count, ... (1 <= index <= count)
  int shard_count = 1;
  int jobs = 1;     ///< local worker processes (without MPI)
  int threads = 1;  ///< accuracy-path threads of each point
  JournalMode mode = JournalMode::resume;
};

struct SweepCallbacks {
  /// Before any point runs (on rank 0 only): `already` of the shard's `total` points were journalled before.
  std::function<void(int already, int total)> started;
  /// As each point finishes (serialised, on any thread; on rank 0 only), after it was journalled.
  std::function<void(const PointOutcome&)> point_done;
};

/// Runs the points of `spec` that options select and are not journalled yet, over the ranks of MPI when this
/// process was started by mpirun (launched_by_mpirun(); collective then), else on options.jobs local workers, and
/// writes the results files of the shard's journalled points. Returns that results table; on an MPI rank other
/// than 0, which only runs points, nothing.
std::optional<SweepTable> run_sweep(const SweepSpec& spec, const SweepRunOptions& options,
                                    const SweepCallbacks& callbacks);

/// Combines the journals of `shard_dirs` (each an output directory of a shard of the same sweep) into `out`:
/// its journal.jsonl and results files. Returns the merged table; points in no shard are simply absent.
SweepTable merge_shards(const std::vector<std::string>& shard_dirs, const std::string& out);

}  // namespace imcsim::sweep
