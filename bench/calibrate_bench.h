#pragma once
// The calibration benchmark (`imcsim bench calibrate`, issue 16): the wall time of calibrating the zoo's cnn on
// hermes64 (mapped as `imcsim run` maps it) with method both, offline, 256 training images, 3 noise seeds and 2
// threads, with objective mse (the target: under 2 minutes on a 2-core machine) and with objective loss, one after
// the other in this process. `ratio` is the mse time over the target (below 1 meets it); `loss_over_mse` compares
// the two objectives. Plain C++ (no SystemC).
//
// Contract: throws imcsim::Error (a missing zoo model or data set); never exits or prints.

#include <nlohmann/json.hpp>

namespace imcsim::bench {

struct CalibrateBenchOptions {
  int calibration_images = 256;
  int noise_seeds = 3;
  int threads = 2;
};

nlohmann::ordered_json calibrate_benchmark(const CalibrateBenchOptions& options = {});

}  // namespace imcsim::bench
