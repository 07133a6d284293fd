// imcsim trace: transaction-level traces of timed runs (docs/trace.md).
//   trace show FILE [--limit N]                             a text dump of the header and the events
//   trace replay FILE [--chip ...] [--set k=v] [--out DIR]  re-times the trace on a design point (report.json)

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "apps/chip_options.h"
#include "apps/commands.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "runner/replay_run.h"
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
    const runner::ReplayRun run = runner::replay(o->file, o->chip.load());
    if (!o->trace_out.empty()) traces::write_trace(o->trace_out, runner::retimed_trace(run));
    std::printf("imcsim trace replay: %s (%zu events, recorded on %s) on %s in %.3f s\n", run.trace.model.c_str(),
                run.trace.events.size(), run.trace.chip.c_str(), run.chip.name.c_str(), run.replay_s);
    std::printf("  latency per inference %.1f ns, throughput %.0f inferences/s\n", run.timing.per_inference_ns,
                run.timing.inferences_per_s);
    std::printf("  energy per inference %.4f uJ\n", run.timing.energy_per_inference_pj * 1e-6);
    if (!o->out.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o->out, ec);
      if (ec) {
        throw InputError(o->out, 0, 0, "--out", "cannot create the directory: " + ec.message());
      }
      write_file_atomically(o->out + "/report.json", runner::replay_report_json(run).dump(2) + "\n");
    }
    exit_code = 0;
  });
}

}  // namespace imcsim::apps
