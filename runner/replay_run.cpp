#include "runner/replay_run.h"

#include <utility>

#include "report/timing_json.h"
#include "runner/run.h"
#include "traces/replay.h"

namespace imcsim::runner {

ReplayRun replay(const std::string& trace_file, const chip::ChipConfig& config) {
  ReplayRun r;
  r.file = trace_file;
  r.trace = traces::read_trace(trace_file);
  r.chip = config;
  traces::ReplayResult run = traces::replay_trace(r.trace, config, {}, trace_file);
  r.replay_s = run.wall_s;
  r.timing = chip::summarise_model_timing(config, traces::compiled_model_of(r.trace), std::move(run.run));
  return r;
}

traces::Trace retimed_trace(const ReplayRun& run) {
  traces::Trace retimed = run.trace;
  const auto& records = run.timing.simulation.instructions;
  for (std::size_t i = 0; i < retimed.events.size(); ++i) {
    retimed.events[i].issue_ns = records[i].start_ns;
    retimed.events[i].complete_ns = records[i].end_ns;
  }
  retimed.chip = run.chip.name;
  return retimed;
}

nlohmann::ordered_json replay_report_json(const ReplayRun& run) {
  nlohmann::ordered_json r;
  r["model"] = run.trace.model;
  r["trace"] = {{"file", run.file},
                {"format_version", run.trace.version},
                {"events", run.trace.events.size()},
                {"recorded_on", run.trace.chip},
                {"replay_s", run.replay_s}};
  r["imcsim_version"] = version();
  report::add_timing(r, run.timing);
  report::add_chip(r, run.chip);
  return r;
}

}  // namespace imcsim::runner
