#include "sweep/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/errors.h"
#include "base/output_file.h"

namespace imcsim::sweep {

namespace {

constexpr int journal_version = 1;

const char* status_name(PointStatus s) { return s == PointStatus::ok ? "ok" : "failed"; }

nlohmann::json frame_json(const SweepTable& frame, const std::vector<bool>& accuracy_metric) {
  nlohmann::json objectives = nlohmann::json::array();
  for (const auto& o : frame.objectives) {
    objectives.push_back({{"metric", o.metric}, {"sense", o.sense == Sense::minimise ? "minimise" : "maximise"}});
  }
  std::vector<std::string> accuracy;
  for (std::size_t k = 0; k < frame.metrics.size(); ++k) {
    if (accuracy_metric[k]) {
      accuracy.push_back(frame.metrics[k]);
    }
  }
  return {{"name", frame.name},           {"parameters", frame.parameters}, {"metrics", frame.metrics},
          {"accuracy_metrics", accuracy}, {"objectives", objectives},       {"total_points", frame.total_points}};
}

void frame_from_json(const nlohmann::json& j, JournalContents& c) {
  c.frame.name = j.at("name").get<std::string>();
  c.frame.parameters = j.at("parameters").get<std::vector<std::string>>();
  c.frame.metrics = j.at("metrics").get<std::vector<std::string>>();
  const auto accuracy = j.at("accuracy_metrics").get<std::vector<std::string>>();
  for (const auto& m : c.frame.metrics) {
    c.accuracy_metric.push_back(std::find(accuracy.begin(), accuracy.end(), m) != accuracy.end());
  }
  for (const auto& o : j.at("objectives")) {
    c.frame.objectives.push_back({o.at("metric").get<std::string>(),
                                  o.at("sense").get<std::string>() == "minimise" ? Sense::minimise : Sense::maximise});
  }
  c.frame.total_points = j.at("total_points").get<int>();
}

std::string header_line(const std::string& fingerprint, const SweepTable& frame,
                        const std::vector<bool>& accuracy_metric) {
  return nlohmann::json{{"imcsim_sweep_journal", journal_version},
                        {"fingerprint", fingerprint},
                        {"table", frame_json(frame, accuracy_metric)}}
             .dump() +
         "\n";
}

/// Reads a journal file: the header's fields and every outcome. A malformed last line (a write cut short) is
/// dropped; any other malformed line is an InputError naming the line.
JournalContents parse_journal(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(path, 0, 0, "", "cannot open the journal");
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  JournalContents c;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    try {
      const nlohmann::json j = nlohmann::json::parse(lines[k]);
      if (k == 0) {
        if (j.at("imcsim_sweep_journal").get<int>() != journal_version) {
          throw InputError(path, 1, 1, "imcsim_sweep_journal",
                           "journal version " + j.at("imcsim_sweep_journal").dump() + " (this imcsim reads " +
                               std::to_string(journal_version) + ")");
        }
        c.fingerprint = j.at("fingerprint").get<std::string>();
        frame_from_json(j.at("table"), c);
        continue;
      }
      PointOutcome o = outcome_from_json(j, c.frame.metrics);
      c.outcomes[o.row.point] = std::move(o);
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& e) {
      if (k + 1 == lines.size() && k > 0) {
        break;  // the point being written when the sweep was killed: it runs again
      }
      throw InputError(path, static_cast<int>(k) + 1, 1, "", std::string("malformed journal line: ") + e.what());
    }
  }
  if (lines.empty()) {
    throw InputError(path, 1, 1, "", "an empty journal (no header line)");
  }
  return c;
}

}  // namespace

nlohmann::json outcome_json(const PointOutcome& outcome, const std::vector<std::string>& metric_names) {
  nlohmann::json metrics = nlohmann::json::object();
  for (std::size_t k = 0; k < metric_names.size(); ++k) {
    const auto& v = outcome.row.metrics[k];
    metrics[metric_names[k]] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  }
  nlohmann::json j{
      {"point", outcome.row.point}, {"parameters", outcome.row.parameters}, {"status", status_name(outcome.row.status)},
      {"metrics", metrics},         {"accuracy_key", outcome.accuracy_key}, {"ran_accuracy", outcome.ran_accuracy}};
  if (outcome.row.status == PointStatus::failed) {
    j["error"] = outcome.row.error;
  }
  return j;
}

PointOutcome outcome_from_json(const nlohmann::json& j, const std::vector<std::string>& metric_names) {
  PointOutcome o;
  o.row.point = j.at("point").get<int>();
  o.row.parameters = j.at("parameters").get<std::vector<std::string>>();
  const std::string status = j.at("status").get<std::string>();
  if (status != "ok" && status != "failed") {
    throw Error("status '" + status + "' is neither ok nor failed");
  }
  o.row.status = status == "ok" ? PointStatus::ok : PointStatus::failed;
  if (o.row.status == PointStatus::failed) {
    o.row.error = j.at("error").get<std::string>();
  }
  const nlohmann::json& metrics = j.at("metrics");
  for (const auto& name : metric_names) {
    const nlohmann::json& v = metrics.at(name);
    o.row.metrics.push_back(v.is_null() ? std::nullopt : std::optional<double>(v.get<double>()));
  }
  o.accuracy_key = j.at("accuracy_key").get<std::string>();
  o.ran_accuracy = j.at("ran_accuracy").get<bool>();
  return o;
}

Journal::Journal(std::string path, const SweepSpec& spec, JournalMode mode)
    : m_path(std::move(path)), m_metric_names(empty_table(spec).metrics) {
  const std::vector<bool> accuracy = accuracy_flags(spec);
  if (mode != JournalMode::restart && std::filesystem::exists(m_path)) {
    JournalContents old = parse_journal(m_path);
    if (old.fingerprint != spec.fingerprint && mode == JournalMode::resume) {
      throw Error("the journal " + m_path + " belongs to a different version of the sweep file " + spec.file +
                  " (fingerprint " + old.fingerprint + ", now " + spec.fingerprint +
                  "): run again with --allow-changed to keep the points whose settings did not change, or "
                  "--restart to start over");
    }
    for (auto& [index, outcome] : old.outcomes) {
      // A changed sweep keeps a point only where the same index has the same settings and every metric is known.
      const bool same_point = index < static_cast<int>(spec.points.size()) &&
                              outcome.row.parameters == spec.points[index].values &&
                              old.frame.parameters == empty_table(spec).parameters;
      if (old.fingerprint == spec.fingerprint || (same_point && old.frame.metrics == m_metric_names)) {
        m_finished[index] = std::move(outcome);
      }
    }
  }
  // Rewrite the journal whole (header and the points kept), then append to it.
  std::string text = header_line(spec.fingerprint, empty_table(spec), accuracy);
  for (const auto& [index, outcome] : m_finished) {
    text += outcome_json(outcome, m_metric_names).dump() + "\n";
  }
  write_file_atomically(m_path, text);
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (m_fd < 0) {
    throw Error("cannot open the journal " + m_path + ": " + std::strerror(errno));
  }
}

Journal::~Journal() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void Journal::record(const PointOutcome& outcome) {
  const std::string line = outcome_json(outcome, m_metric_names).dump() + "\n";
  // One write(2) of a whole line to an O_APPEND file, then fsync: a kill leaves either the line or a prefix of
  // it, which the next open drops.
  const ssize_t written = ::write(m_fd, line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size()) || ::fsync(m_fd) != 0) {
    throw Error("cannot append to the journal " + m_path + ": " + std::strerror(errno));
  }
  m_finished[outcome.row.point] = outcome;
}

JournalContents read_journal(const std::string& path) { return parse_journal(path); }

void write_journal(const std::string& path, const JournalContents& contents) {
  std::string text = header_line(contents.fingerprint, contents.frame, contents.accuracy_metric);
  for (const auto& [index, outcome] : contents.outcomes) {
    text += outcome_json(outcome, contents.frame.metrics).dump() + "\n";
  }
  write_file_atomically(path, text);
}

SweepTable assemble_table(const SweepTable& frame, const std::map<int, PointOutcome>& outcomes,
                          const std::vector<bool>& accuracy_metric) {
  // Per accuracy key, the point (lowest index) whose report carries the accuracy metrics.
  std::map<std::string, const PointOutcome*> accuracy_source;
  for (const auto& [index, o] : outcomes) {
    if (o.ran_accuracy && o.row.status == PointStatus::ok && !o.accuracy_key.empty()) {
      accuracy_source.emplace(o.accuracy_key, &o);
    }
  }
  SweepTable table = frame;
  for (const auto& [index, o] : outcomes) {
    PointRow row = o.row;
    const auto source = accuracy_source.find(o.accuracy_key);
    if (!o.ran_accuracy && row.status == PointStatus::ok && source != accuracy_source.end()) {
      for (std::size_t k = 0; k < row.metrics.size(); ++k) {
        if (accuracy_metric[k]) {
          row.metrics[k] = source->second->row.metrics[k];
        }
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace imcsim::sweep
