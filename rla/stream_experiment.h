#pragma once
// The streaming-sketch experiment of `imcsim rla stream` (docs/rla.md): the whole data set streamed through the
// in-memory sketch (rla/streaming_sketch.h) for every sketch size l and seed; the covariance error
// ||A^T A - C||_2 / ||A||_F^2 of the analog sketch (C = S^T S / l), of the same Gaussian sketch in FP64 and of
// Frequent Directions with l rows (C = B^T B), the analog sketch's distance to the digital one, and the cost on the
// chip against both digital sketches at the digital baseline.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chip/chip_config.h"
#include "rla/digital_baseline.h"
#include "rla/streaming_sketch.h"

namespace imcsim::rla {

struct StreamExperimentOptions {
  std::vector<int> sketch_rows{20, 50, 100};
  int window_rows = 1000;
  int pulse_length = 31;
  std::vector<std::uint64_t> seeds{1, 2, 3};
  int threads = 2;
};

nlohmann::ordered_json stream_experiment(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                         const StreamExperimentOptions& o, const DigitalBaseline& baseline,
                                         const std::function<void(const std::string&)>& progress = {});

}  // namespace imcsim::rla
