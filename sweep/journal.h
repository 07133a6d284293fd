#pragma once
// The journal of a sweep (docs/sweep.md): OUT/journal.jsonl, one JSON line per finished design point, appended
// and flushed to disk the moment the point finishes. A sweep that was stopped in any way (SIGKILL included)
// resumes from it without losing or repeating a point; `imcsim sweep merge` combines the journals of shards.
//
// Format: the first line is the header {"imcsim_sweep_journal": 1, "fingerprint", "table"} with the results
// table's frame (name, parameters, metrics, objectives, total_points); every further line is one PointOutcome.
// A last line cut short by a kill is dropped when the journal is opened again.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"

namespace imcsim::sweep {

/// What finishing one point left: its row of the results table plus what reusing accuracy needs.
struct PointOutcome {
  PointRow row;
  std::string accuracy_key;   ///< DesignPoint::accuracy_key (empty: no accuracy path)
  bool ran_accuracy = false;  ///< its report has the accuracy metrics (else they come from a point with its key)
};

nlohmann::json outcome_json(const PointOutcome& outcome, const std::vector<std::string>& metric_names);
/// Throws imcsim::Error naming what is missing.
PointOutcome outcome_from_json(const nlohmann::json& j, const std::vector<std::string>& metric_names);

enum class JournalMode {
  resume,         ///< continue a journal of the same sweep; refuse one of a changed sweep file
  allow_changed,  ///< continue a journal of a changed sweep: keep the points whose settings did not change
  restart,        ///< discard any journal and start over
};

class Journal {
 public:
  /// Opens (or creates) `path` for `spec`. Throws imcsim::Error when the journal belongs to a changed sweep and
  /// `mode` is resume, or when it is malformed other than in its last line.
  Journal(std::string path, const SweepSpec& spec, JournalMode mode);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  /// The points finished before, by index.
  const std::map<int, PointOutcome>& finished() const { return m_finished; }

  /// Appends `outcome` as a line and flushes it to disk. Not thread-safe: one caller at a time.
  void record(const PointOutcome& outcome);

 private:
  std::string m_path;
  std::vector<std::string> m_metric_names;
  std::map<int, PointOutcome> m_finished;
  int m_fd = -1;
};

/// A journal read whole, for merging: its header's table frame and fingerprint, and its outcomes.
struct JournalContents {
  std::string fingerprint;
  SweepTable frame;                   ///< no rows
  std::vector<bool> accuracy_metric;  ///< per metric of the frame: from the accuracy path
  std::map<int, PointOutcome> outcomes;
};
JournalContents read_journal(const std::string& path);

/// The results table of `outcomes`: a row per outcome sorted by point, where the accuracy metrics of a point
/// that ran timing-only come from a point with the same accuracy key that ran the accuracy path.
SweepTable assemble_table(const SweepTable& frame, const std::map<int, PointOutcome>& outcomes,
                          const std::vector<bool>& accuracy_metric);

/// Writes a journal of `contents` to `path` at once (for merged shards).
void write_journal(const std::string& path, const JournalContents& contents);

}  // namespace imcsim::sweep
