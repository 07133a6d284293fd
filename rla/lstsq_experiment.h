#pragma once
// Sketch-and-solve least squares, the regression of `imcsim rla lstsq` (docs/rla.md): one-hot labels regressed on
// [pixels, 1] of the training set (a linear classifier), solved exactly (digital, FP64) and from sketches S [A B]
// (Gaussian or CountSketch, digital or on the arrays: rla/sketched_least_squares.h) with 0 or more digital
// refinement steps. Per setting, over seeds: the residual's excess over the exact one ||A X - B|| / ||A X* - B|| - 1,
// the prediction's error ||A (X - X*)|| / ||A X*|| (A is
// rank-deficient: X may differ from X* in A's null space, e.g. the always-black pixels, which no metric of the fit
// sees), the test accuracy of argmax(x X), and the cost against the exact digital
// solve.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "rla/chip_cost.h"
#include "rla/experiment_data.h"
#include "rla/sketched_least_squares.h"

namespace imcsim::rla {

struct LstsqExperimentOptions {
  std::vector<int> sketch_rows{2000};
  std::vector<SketchKind> kinds{SketchKind::gaussian, SketchKind::count};
  std::vector<int> refinement_steps{0, 1, 2, 5};
  bool digital = true;    ///< sketch digitally too
  bool on_arrays = true;  ///< sketch on the arrays
  std::vector<std::uint64_t> seeds{1, 2, 3};
  double t_s = 3600.0;
  int threads = 2;
};

/// Throws ParameterError for options the data cannot take, InputError when test and training features differ.
nlohmann::ordered_json lstsq_experiment(const chip::ChipConfig& chip, const DataMatrix& train, const DataMatrix& test,
                                        const LstsqExperimentOptions& o, ChipCostModel& cost,
                                        const std::function<void(const std::string&)>& progress = {});

}  // namespace imcsim::rla
