#pragma once
// The timed benchmark (`imcsim bench timed`): the speed of the timed SystemC model, MVM transactions of a chip
// under full load (bench/full_load.h) per second of wall time, without and with the numeric work. SystemC
// elaborates once per process, so each of the two measurements runs in its own imcsim worker process
// (`imcsim bench timed ... --worker plain|numerics`), which calls timed_measurement.
//
// Contract: throws imcsim::Error (a bad chip, a failed worker); never exits or prints.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.h"

namespace imcsim::bench {

struct TimedBenchOptions {
  std::string chip = "hermes64";       ///< preset name or chip YAML file, as `--chip`
  std::vector<std::string> overrides;  ///< key.path=value, as `--set`
  int mvms_per_core = 4000;            ///< MVMs per core without numerics
  int numeric_mvms_per_core = 200;     ///< MVMs per core with numerics
};

/// One measurement in this process: simulates `config` under full load (options.numeric_mvms_per_core MVMs per
/// core with numerics, options.mvms_per_core without). Simulates, so callable once per process.
nlohmann::ordered_json timed_measurement(const chip::ChipConfig& config, const TimedBenchOptions& options,
                                         bool numerics);

/// The arguments of the worker process that runs timed_measurement for `options`, with or without numerics.
std::vector<std::string> timed_worker_arguments(const TimedBenchOptions& options, bool numerics);

/// Both measurements, each in a worker process of `executable` (an imcsim binary), and their ratio.
nlohmann::ordered_json timed_benchmark(const std::string& executable, const TimedBenchOptions& options);

}  // namespace imcsim::bench
