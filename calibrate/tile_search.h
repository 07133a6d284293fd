#pragma once
// The search of one tile's ranges on its objective (calibrate/tile_objective.h), starting from what an
// uncalibrated run uses: the layer's input range (99th percentile of |input|), kappa 1, and the ADC range that
// minimises the objective at those (with compiler.adc_range fixed: adc.output_range).
//
// - DAC range (methods dac, both): from the tile's own 99th percentile of |x| (the paper's rule), a log-grid then
//   golden-section search (calibrate/line_search.h) of beta in [start / 16, max|x|], kappa and the ADC range fixed.
// - Column ranges (columns, both), two candidates, the better one on the objective wins:
//   the statistics estimate: per column the ideal normalised output (inputs clipped at beta over beta, weights
//   over their mapping scale) over the calibration inputs at kappa 1,
//   |mean| + L std with L = column_sigmas (3: 99.7 % of normal outputs below it), mapped onto the ADC range:
//   kappa_c = clamp((|mean_c| + L std_c) / adc_range, min_kappa, 1) (a column whose outputs fill less of the
//   ADC's range is spread over more of g_max);
//   the search: one kappa for every column of the tile, searched in [min_kappa, 1], then one coordinate step per
//   column: each column takes, of the factors column_steps x that kappa, the one with the lowest error of its
//   own outputs (the columns' errors are nearly independent: only a global drift compensation couples them), and
//   the step is kept when it lowers the tile's objective.
//   Neither is kept when kappa 1 does better.
// - ADC range: re-optimised last on the objective (a log search in [adc.output_range / 64, adc.output_range]).
// Each stage keeps its start when the search finds nothing better, so the result never has a larger objective
// than the start.
//
// The searches minimise a TileCost: by default the tile's MSE (the objective's operator()); with the `loss`
// objective the network's cross-entropy (calibrate/network_loss.h). The column step's per-column proposals always
// come from the tile's per-column MSE (a network loss does not split by column); the cost decides whether the step
// is kept.
//
// Contract: deterministic (a pure function of setting, problem, method and start); thread-safe.

#include <functional>
#include <vector>

#include "base/name_table.h"
#include "calibrate/line_search.h"
#include "calibrate/tile_objective.h"

namespace imcsim::calibrate {

/// What is calibrated (--method).
enum class Method { columns, dac, both };
/// columns, dac, both.
const NameTable<Method>& method_names();

/// Which column-range candidate won on a tile.
enum class ColumnChoice {
  none,      ///< kappa 1 (the method calibrates no columns, or neither candidate beat it)
  estimate,  ///< the statistics estimate
  search,    ///< the searched kappa
};
/// none, estimate, search.
const NameTable<ColumnChoice>& column_choice_names();

constexpr float column_sigmas = 3.0f;
constexpr float min_kappa = 1.0f / 16.0f;

struct TileSearchResult {
  float input_range = 1;     ///< beta, layer units
  float adc_range = 1;       ///< normalised output units
  std::vector<float> kappa;  ///< one per column
  ColumnChoice columns = ColumnChoice::none;
  double objective_before = 0;    ///< at the start
  double objective_after = 0;     ///< at the result
  double estimate_objective = 0;  ///< the column estimate's objective (0 when not tried)
  double search_objective = 0;    ///< the column search's objective (0 when not tried)
  int evaluations = 0;         ///< calls of the cost (each reads the candidate: its tile, or the network)
  int column_error_reads = 0;  ///< reads of the tile's per-column MSE (the column step's proposals)
  int programmings = 0;        ///< column factors programmed (each programs the tile once per noise seed)
};

/// What a search minimises over a tile's candidates (programmed column factors, DAC range, ADC range).
using TileCost = std::function<double(const TileObjective::Programmed&, float input_range, float adc_range)>;

/// `layer_input_range` (> 0): the uncalibrated run's input scale of the tile's layer. `cost`: empty for the
/// objective's MSE.
TileSearchResult search_tile(const TileObjective& objective, Method method, float layer_input_range,
                             bool adc_range_fixed, const TileCost& cost = {});
/// The same on the MSE of `problem` in `setting`.
TileSearchResult search_tile(const ObjectiveSetting& setting, const TileProblem& problem, Method method,
                             float layer_input_range, bool adc_range_fixed);

/// The DAC range search at fixed column factors and ADC range: beta in [p99 / 16, max|x|] of the tile's inputs.
LineMinimum search_input_range(const TileObjective& objective, const TileObjective::Programmed& programmed,
                               float adc_range, const TileCost& cost = {});
/// The ADC range search at fixed column factors and DAC range: in [adc.output_range / 64, adc.output_range].
LineMinimum search_adc_range(const TileObjective& objective, const TileObjective::Programmed& programmed,
                             float input_range, const TileCost& cost = {});

/// The statistics estimate of the column factors (see above).
std::vector<float> estimate_kappa(const TileProblem& problem, const hw::MappingConfig& mapping, float input_range,
                                  float adc_range);

}  // namespace imcsim::calibrate
