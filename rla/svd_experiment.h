#pragma once
// The randomized-SVD experiment of `imcsim rla svd` (docs/rla.md): the rank-k error ||A - U_k U_k^T A||_F / ||A||_F
// of every variant (exact SVD, digital RSVD, Omega on the arrays, A on the arrays) at every rank and number of power
// iterations, over seeds, with each variant's cost on the chip (rla/chip_cost.h) against the digital RSVD of the
// same rank and iterations.
//
// A seed s sets the chip's seed (every analog noise) and Omega's; the analog variants read `t_s` after
// programming. The chip's noise and periphery are the config's (stress them with --set).

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "base/name_table.h"
#include "chip/chip_config.h"
#include "rla/chip_cost.h"
#include "rla/variants.h"

namespace imcsim::rla {

struct SvdExperimentOptions {
  std::vector<int> ranks{10, 20, 50, 100};
  std::vector<int> power_iterations{0, 1, 2};
  int oversampling = 10;
  std::vector<SvdVariant> variants{SvdVariant::exact, SvdVariant::digital, SvdVariant::omega_on_arrays,
                                   SvdVariant::a_on_arrays};
  std::vector<std::uint64_t> seeds{1, 2, 3};
  double t_s = 3600.0;
  int block_rows = 0;  ///< A on the arrays: data rows per programming (0: the most that fit the chip)
  int threads = 2;
};

/// Throws ParameterError for options the matrix cannot take (rla.rank, rla.oversampling, rla.power_iterations,
/// rla.block_rows, rla.seeds).
void check_svd_options(const chip::ChipConfig& chip, const SvdExperimentOptions& o, Eigen::Index rows,
                       Eigen::Index cols);

/// The experiment's JSON: options, per (variant, k, q) the errors per seed, mean and std, the relative difference
/// to the digital RSVD, and the cost (analog and its digital baseline); "tables" for CSV and HTML.
nlohmann::ordered_json svd_experiment(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                      const SvdExperimentOptions& o, ChipCostModel& cost,
                                      const std::function<void(const std::string&)>& progress = {});

}  // namespace imcsim::rla
