#include "regress/run_job.h"

#include <filesystem>

#include "base/durations.h"
#include "chip/chip_config.h"
#include "chip/range_calibration.h"
#include "workloads/model_zoo.h"
#include "workloads/shape_workload.h"

namespace imcsim::regress {

namespace fs = std::filesystem;

const std::set<std::string>& run_job_keys() {
  static const std::set<std::string> keys{"chip",   "set",         "model", "workload",    "trace",      "dataset",
                                          "images", "drift_times", "seed",  "timing_only", "calibration"};
  return keys;
}

namespace {

void read_accuracy_keys(const YamlReader& reader, const YAML::Node& node, const std::string& at, RunJob& job) {
  if (node["calibration"]) {
    job.calibration = reader.relative_to_file(reader.scalar<std::string>(node, "calibration", at + "calibration"));
    try {
      chip::load_range_calibration(job.calibration);
    } catch (const Error& e) {
      reader.fail(YamlReader::key_node(node, "calibration"), at + "calibration", e.what());
    }
  }
  if (node["timing_only"]) {
    job.timing_only = reader.scalar<bool>(node, "timing_only", at + "timing_only");
  }
  if (node["dataset"]) {
    job.dataset = reader.scalar<std::string>(node, "dataset", at + "dataset");
  }
  if (YamlReader::looks_like_file(job.dataset, ".yaml") || YamlReader::looks_like_file(job.dataset, ".yml")) {
    job.dataset = reader.relative_to_file(job.dataset);
  }
  if (node["images"]) {
    job.images = reader.scalar<int>(node, "images", at + "images");
    if (job.images < 0) {
      reader.fail(YamlReader::key_node(node, "images"), at + "images", "expected a count >= 0 (0: every image)");
    }
  }
  if (node["drift_times"]) {
    const YAML::Node times = node["drift_times"];
    if (times.IsSequence()) {
      job.drift_times.clear();
      for (const auto& t : times) {
        if (!t.IsScalar()) {
          reader.fail(t, at + "drift_times", "expected durations such as 1h");
        }
        job.drift_times += (job.drift_times.empty() ? "" : ",") + t.Scalar();
      }
    } else {
      job.drift_times = reader.scalar<std::string>(node, "drift_times", at + "drift_times");
    }
    try {
      if (parse_durations_s(job.drift_times, "drift_times").empty()) {
        throw Error("no drift time");
      }
    } catch (const Error& e) {
      reader.fail(YamlReader::key_node(node, "drift_times"), at + "drift_times", e.what());
    }
  }
}

}  // namespace

RunJob read_run_job(const YamlReader& reader, const YAML::Node& node, const std::string& at) {
  RunJob job;
  if (node["chip"]) {
    job.chip = reader.scalar<std::string>(node, "chip", at + "chip");
  }
  if (YamlReader::looks_like_file(job.chip, ".yaml") || YamlReader::looks_like_file(job.chip, ".yml")) {
    job.chip = reader.relative_to_file(job.chip);
  }
  if (node["set"]) {
    const YAML::Node set = reader.mapping(node, "set", at + "set");
    for (const auto& entry : set) {
      const std::string key = entry.first.Scalar();
      if (!entry.second.IsScalar()) {
        reader.fail(entry.first, at + "set", "expected a single value for " + key);
      }
      job.overrides.push_back(key + "=" + entry.second.Scalar());
    }
  }
  try {
    chip::load_chip_config(job.chip, job.overrides);
  } catch (const Error& e) {
    const std::string key = job.overrides.empty() ? "chip" : "set";
    reader.fail(YamlReader::key_node(node, key), at + key, e.what());
  }

  int sources = 0;
  for (const char* kind : {"model", "workload", "trace"}) {
    if (!node[kind]) {
      continue;
    }
    if (++sources > 1) {
      reader.fail(YamlReader::key_node(node, kind), at + kind, "give one of model, workload and trace");
    }
    job.source = reader.scalar<std::string>(node, kind, at + kind);
    job.kind = std::string(kind) == "model"      ? CaseKind::model
               : std::string(kind) == "workload" ? CaseKind::workload
                                                 : CaseKind::trace;
  }
  if (sources == 0) {
    reader.fail(node, at + "model", "give a model, a workload or a trace");
  }
  if (job.kind == CaseKind::trace) {
    // A replay re-times recorded events: no accuracy path and no random draws.
    for (const char* key : {"dataset", "images", "drift_times", "timing_only", "seed", "calibration"}) {
      if (node[key]) {
        reader.fail(YamlReader::key_node(node, key), at + key,
                    "a trace replays timing only, so no " + std::string(key));
      }
    }
    job.source = reader.relative_to_file(job.source);
    if (!fs::is_regular_file(job.source)) {
      reader.fail(YamlReader::key_node(node, "trace"), at + "trace", "no trace file '" + job.source + "'");
    }
    return job;
  }
  if (job.kind == CaseKind::workload) {
    // Shape-only workloads have no weights: timing and energy only, so the accuracy path's keys mean nothing.
    for (const char* key : {"dataset", "images", "drift_times", "timing_only", "calibration"}) {
      if (node[key]) {
        reader.fail(YamlReader::key_node(node, key), at + key,
                    "a workload has no accuracy path, so no " + std::string(key));
      }
    }
    job.source = reader.relative_to_file(job.source);
    try {
      workloads::load_shape_workload(job.source);
    } catch (const Error& e) {
      reader.fail(YamlReader::key_node(node, "workload"), at + "workload", e.what());
    }
  } else {
    if (YamlReader::looks_like_file(job.source, ".onnx")) {
      job.source = reader.relative_to_file(job.source);
    }
    if (!fs::exists(workloads::resolve_model(job.source))) {
      reader.fail(YamlReader::key_node(node, "model"), at + "model",
                  "'" + job.source + "' is neither a zoo model nor an .onnx file");
    }
    read_accuracy_keys(reader, node, at, job);
  }
  if (node["seed"]) {
    job.seed = reader.scalar<std::uint64_t>(node, "seed", at + "seed");
  }
  return job;
}

std::vector<std::string> run_job_arguments(const RunJob& job, const std::string& out_dir, int threads,
                                           const std::vector<std::string>& extra_overrides) {
  std::vector<std::string> args;
  switch (job.kind) {
    case CaseKind::model:
      args = {"run",
              "--model",
              job.source,
              "--dataset",
              job.dataset,
              "--images",
              std::to_string(job.images),
              "--drift-times",
              job.drift_times,
              "--threads",
              std::to_string(threads)};
      if (job.timing_only) {
        args.emplace_back("--timing-only");
      }
      if (!job.calibration.empty()) {
        args.insert(args.end(), {"--calibration", job.calibration});
      }
      break;
    case CaseKind::workload:
      args = {"run", "--workload", job.source};
      break;
    case CaseKind::trace:
      args = {"trace", "replay", job.source};
      break;
  }
  args.insert(args.end(), {"--chip", job.chip, "--out", out_dir});
  if (job.seed) {
    args.insert(args.end(), {"--seed", std::to_string(*job.seed)});
  }
  for (const auto* list : {&job.overrides, &extra_overrides}) {
    for (const auto& assignment : *list) {
      args.insert(args.end(), {"--set", assignment});
    }
  }
  return args;
}

}  // namespace imcsim::regress
