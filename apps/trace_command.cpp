// imcsim trace: transaction-level traces of timed runs (docs/trace.md).
//   trace show FILE [--limit N]                             a text dump of the header and the events
//   trace replay FILE [--chip ...] [--set k=v] [--out DIR]  re-times the trace on a design point (report.json)

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "chip/chip_config.h"
#include "interconnect/network_config.h"
#include "report/timing_json.h"
#include "traces/replay.h"
#include "traces/trace_file.h"

namespace imcsim::apps {

namespace {

struct TraceOptions {
  std::string file;
  long long limit = -1;
  ChipOptions chip;
  std::string out;
  std::string trace_out;
};

nlohmann::ordered_json replay_report(const std::string& file, const traces::Trace& trace,
                                     const chip::ChipConfig& config, const chip::ModelTiming& timing, double replay_s) {
  nlohmann::ordered_json r;
  r["model"] = trace.model;
  r["trace"] = {{"file", file},
                {"format_version", trace.version},
                {"events", trace.events.size()},
                {"recorded_on", trace.chip},
                {"replay_s", replay_s}};
  r["imcsim_version"] = IMCSIM_VERSION;
  report::add_timing(r, timing);
  report::add_chip(r, config);
  return r;
}

}  // namespace

void add_trace_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<TraceOptions>();
  CLI::App* cmd = app.add_subcommand("trace", "Transaction-level traces of timed runs: show, replay (docs/trace.md)");
  cmd->require_subcommand(1);
  CLI::App* show = cmd->add_subcommand("show", "Print a trace's header and events as text");
  show->add_option("file", o->file, "Trace file (imcsim run --trace FILE)")->required();
  show->add_option("--limit", o->limit, "At most this many events (default: all)");
  show->callback([o, &exit_code]() {
    std::cout << traces::show_trace(traces::read_trace(o->file), o->limit);
    exit_code = 0;
  });
  CLI::App* replay = cmd->add_subcommand("replay", "Re-time a trace on a design point (timing and energy only)");
  replay->add_option("file", o->file, "Trace file (imcsim run --trace FILE)")->required();
  add_chip_options(replay, o->chip);
  replay->add_option("--out", o->out, "Directory for report.json");
  replay->add_option("--trace-out", o->trace_out, "Write the trace again with the replayed issue and completion times");
  replay->callback([o, &exit_code]() {
    const chip::ChipConfig config = o->chip.load();
    const traces::Trace trace = traces::read_trace(o->file);
    traces::ReplayResult run = traces::replay_trace(trace, config, {}, o->file);
    const double replay_s = run.wall_s;
    if (!o->trace_out.empty()) {
      traces::Trace retimed = trace;
      for (std::size_t i = 0; i < retimed.events.size(); ++i) {
        retimed.events[i].issue_ns = run.run.instructions[i].start_ns;
        retimed.events[i].complete_ns = run.run.instructions[i].end_ns;
      }
      retimed.chip = config.name;
      traces::write_trace(o->trace_out, retimed);
    }
    const chip::ModelTiming timing =
        chip::summarise_model_timing(config, traces::compiled_model_of(trace), std::move(run.run));
    const nlohmann::ordered_json r = replay_report(o->file, trace, config, timing, replay_s);
    std::printf("imcsim trace replay: %s (%zu events, recorded on %s) on %s in %.3f s\n", trace.model.c_str(),
                trace.events.size(), trace.chip.c_str(), config.name.c_str(), replay_s);
    std::printf("  latency per inference %.1f ns, throughput %.0f inferences/s\n", timing.per_inference_ns,
                timing.inferences_per_s);
    std::printf("  energy per inference %.4f uJ\n", timing.energy_per_inference_pj * 1e-6);
    if (!o->out.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o->out, ec);
      if (ec) {
        throw InputError(o->out, 0, 0, "--out", "cannot create the directory: " + ec.message());
      }
      write_file_atomically(o->out + "/report.json", r.dump(2) + "\n");
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
