#pragma once
// Randomized PCA for classification, the computer-vision application of `imcsim rla pca` (docs/rla.md): the training
// set centred digitally by its mean, its k principal directions from each variant (exact: the eigenvectors of the
// centred Gram matrix, i.e. digital PCA; digital RSVD; Omega on the arrays; A on the arrays), training and test
// features projected on them digitally, and two classifiers trained digitally on the training features (nearest
// centroid, and ridge regression of one-hot labels). The test accuracy of each variant, over seeds, against digital
// PCA, and the RSVD's cost on the chip against the digital RSVD's.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "rla/chip_cost.h"
#include "rla/experiment_data.h"
#include "rla/svd_experiment.h"

namespace imcsim::rla {

struct PcaExperimentOptions {
  int rank = 50;
  int oversampling = 10;
  std::vector<int> power_iterations{0, 1, 2};
  std::vector<SvdVariant> variants{SvdVariant::exact, SvdVariant::digital, SvdVariant::omega_on_arrays,
                                   SvdVariant::a_on_arrays};
  std::vector<std::uint64_t> seeds{1, 2, 3};
  double t_s = 3600.0;
  int block_rows = 0;
  int threads = 2;
};

/// Throws ParameterError for options the data cannot take, InputError when test and training features differ.
nlohmann::ordered_json pca_experiment(const chip::ChipConfig& chip, const DataMatrix& train, const DataMatrix& test,
                                      const PcaExperimentOptions& o, ChipCostModel& cost,
                                      const std::function<void(const std::string&)>& progress = {});

}  // namespace imcsim::rla
