#pragma once
// One simulation as the commands that run many of them describe it (regress cases, sweep points): a chip with
// overrides and what runs on it, read from YAML and turned into the command line of an imcsim child process.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "regress/yaml_reader.h"

namespace imcsim::regress {

/// What a job runs: a model (`imcsim run --model`), a shape-only workload file (`imcsim run --workload`, timing
/// and energy only) or a recorded trace (`imcsim trace replay`, timing and energy only). A new kind plugs in
/// here, in read_run_job() (its keys) and in run_job_arguments() (its command line).
enum class CaseKind { model, workload, trace };

struct RunJob {
  std::string chip = "hermes64";
  std::vector<std::string> overrides;  ///< `set:` as "key.path=value", as `imcsim run --set`
  CaseKind kind = CaseKind::model;
  std::string source;  ///< the zoo model's name, or a path resolved against the YAML file's directory
  std::string dataset = "fashion-mnist";
  int images = 0;                           ///< 0: every image, as `imcsim run`
  std::string drift_times = "1s,1h,1d,1y";  ///< comma-separated, as --drift-times
  std::optional<std::uint64_t> seed;        ///< absent: the chip config's sim.seed
  bool timing_only = false;                 ///< model jobs: `imcsim run --timing-only`
  std::string calibration;  ///< model jobs: a range calibration file (docs/calibration.md) as --calibration; "": none
};

/// The keys read_run_job() reads (for YamlReader::check_keys).
const std::set<std::string>& run_job_keys();

/// Reads the job keys of the mapping `node` (chip, set, model | workload | trace, dataset, images, drift_times,
/// seed, timing_only, calibration) and validates them without running anything: the chip config with its
/// overrides, the model, workload or trace file, the drift times, the calibration file (read; its fit to the
/// mapping is checked by the run). `at` prefixes key names in messages ("cases[mlp].").
/// The caller checks for unknown keys.
RunJob read_run_job(const YamlReader& reader, const YAML::Node& node, const std::string& at);

/// The arguments of the imcsim child process that runs `job` with `threads` threads and writes its report into
/// `out_dir`, with `extra_overrides` applied after the job's own.
std::vector<std::string> run_job_arguments(const RunJob& job, const std::string& out_dir, int threads,
                                           const std::vector<std::string>& extra_overrides = {});

}  // namespace imcsim::regress
