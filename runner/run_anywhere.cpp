#include "runner/run_anywhere.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/child_process.h"
#include "base/errors.h"
#include "base/output_file.h"
#include "base/scratch_directory.h"
#include "base/task_pool.h"
#include "base/text.h"
#include "chip/simulation.h"
#include "runner/run_report.h"
#include "workloads/onnx_export.h"

#ifndef IMCSIM_BUILD_BINARY
#define IMCSIM_BUILD_BINARY ""
#endif
#ifndef IMCSIM_INSTALL_BINARY
#define IMCSIM_INSTALL_BINARY ""
#endif

namespace imcsim::runner {

namespace {

namespace fs = std::filesystem;

/// Set by the first run_report() that may run in this process (the kernel elaborates once).
std::atomic<bool> in_process_claimed{false};

std::string duration_list(const std::vector<double>& times_s) {
  std::string list;
  for (const double t : times_s) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17gs", t);
    list += (list.empty() ? "" : ",") + std::string(text);
  }
  return list;
}

nlohmann::ordered_json run_in_worker(const RunRequest& request) {
  const ScratchDirectory scratch("imcsim_run");
  // The worker reads the chip from a file in another directory: its technology file by absolute path.
  chip::ChipConfig chip = request.chip;
  if (!chip.technology_file.empty()) chip.technology_file = fs::absolute(chip.technology_file).string();
  const std::string chip_file = scratch.path() + "/chip.yaml";
  write_file_atomically(chip_file, chip::to_yaml(chip));
  std::string model_file;
  if (request.graph) {
    model_file = scratch.path() + "/model.onnx";
    workloads::export_onnx(*request.graph, model_file);
  }
  const std::string out = scratch.path() + "/out";
  const ChildResult child = run_child(imcsim_executable(), run_arguments(request, chip_file, model_file, out));
  if (child.exit_code != 0) throw Error("worker 'imcsim run' failed: " + child.err);
  nlohmann::ordered_json report;
  try {
    report = nlohmann::ordered_json::parse(read_file_text(out + "/report.json"));
  } catch (const nlohmann::json::exception& e) {
    throw Error("worker 'imcsim run' wrote no readable report.json: " + std::string(e.what()));
  }
  // The worker named the files it was given; the report names what the request named.
  if (request.graph) {
    report["model"] = request.graph->name;
    report["model_file"] = "";
  }
  chip.technology_file = request.chip.technology_file;
  if (request.seed) chip.sim.seed = *request.seed;
  report["config"] = chip::to_yaml(chip);
  return report;
}

}  // namespace

std::string imcsim_executable() {
  if (const char* env = std::getenv("IMCSIM_BINARY"); env != nullptr && *env != '\0') return env;
  const std::string self = self_executable();
  if (fs::path(self).filename() == "imcsim") return self;
  for (const char* candidate : {IMCSIM_BUILD_BINARY, IMCSIM_INSTALL_BINARY}) {
    std::error_code ec;
    if (*candidate != '\0' && fs::exists(candidate, ec)) return candidate;
  }
  throw Error("no imcsim executable for a worker process (set IMCSIM_BINARY)");
}

std::vector<std::string> run_arguments(const RunRequest& request, const std::string& chip_file,
                                       const std::string& model_file, const std::string& out_dir) {
  std::vector<std::string> a{"run", "--chip", chip_file};
  if (!request.workload.empty()) {
    a.insert(a.end(), {"--workload", request.workload});
  } else if (!model_file.empty()) {
    a.insert(a.end(), {"--model", model_file});
  } else if (!request.model.empty()) {
    a.insert(a.end(), {"--model", request.model});
  }
  a.insert(a.end(), {"--dataset", request.dataset, "--images", std::to_string(request.images), "--threads",
                     std::to_string(request.threads), "--calibration-images",
                     std::to_string(request.calibration_images), "--out", out_dir, "--no-timeline"});
  if (!request.drift_times_s.empty()) a.insert(a.end(), {"--drift-times", duration_list(request.drift_times_s)});
  if (request.seed) a.insert(a.end(), {"--seed", std::to_string(*request.seed)});
  if (request.timing_only) a.emplace_back("--timing-only");
  if (!request.trace_path.empty()) a.insert(a.end(), {"--trace", request.trace_path});
  if (!request.range_calibration.empty()) a.insert(a.end(), {"--calibration", request.range_calibration});
  if (request.train_step) {
    if (request.train_step->activity) {
      throw Error("a training step with a given activity runs only in the process that has it, not in a worker");
    }
    a.insert(a.end(), {"--train-step", "--batch", std::to_string(request.train_step->batch), "--pulse-length",
                       std::to_string(request.train_step->pulse_length)});
  }
  return a;
}

nlohmann::ordered_json run_report(const RunRequest& request, const RunProgress& progress) {
  if (!in_process_claimed.exchange(true) && chip::can_simulate()) return report_json(run(request, progress));
  return run_in_worker(request);
}

std::vector<nlohmann::ordered_json> run_reports(const std::vector<RunRequest>& requests, int jobs) {
  std::vector<nlohmann::ordered_json> reports(requests.size());
  run_tasks(requests.size(), jobs, [&](std::size_t k) { reports[k] = run_report(requests[k]); });
  return reports;
}

}  // namespace imcsim::runner
