#include "calibrate/tile_search.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "calibrate/line_search.h"
#include "chip/input_range_rule.h"

namespace imcsim::calibrate {

namespace {

/// The paper's input-range rule: the 99th percentile of |x| over the calibration inputs.
/// The factors of a column's coordinate step (1: keep).
constexpr std::array<float, 7> column_steps = {0.5f, 0.7f, 0.85f, 1.0f, 1.2f, 1.4f, 2.0f};

std::vector<float> uniform(int cols, float kappa) { return std::vector<float>(static_cast<std::size_t>(cols), kappa); }

float clamp_kappa(float k) { return std::clamp(k, min_kappa, 1.0f); }

/// `cost`, or the objective's MSE when it is empty.
TileCost or_mse(const TileObjective& objective, const TileCost& cost) {
  if (cost) return cost;
  return [&objective](const TileObjective::Programmed& p, float input_range, float adc_range) {
    return objective(p, input_range, adc_range);
  };
}

}  // namespace

const NameTable<Method>& method_names() {
  static const NameTable<Method> names{{Method::columns, "columns"}, {Method::dac, "dac"}, {Method::both, "both"}};
  return names;
}

const NameTable<ColumnChoice>& column_choice_names() {
  static const NameTable<ColumnChoice> names{
      {ColumnChoice::none, "none"}, {ColumnChoice::estimate, "estimate"}, {ColumnChoice::search, "search"}};
  return names;
}

LineMinimum search_input_range(const TileObjective& objective, const TileObjective::Programmed& programmed,
                               float adc_range, const TileCost& cost) {
  const TileCost f = or_mse(objective, cost);
  const float start = chip::abs_percentile(objective.problem().inputs, chip::input_percentile);
  const float largest = std::max(start, chip::abs_percentile(objective.problem().inputs, 1.0f));
  if (!(start > 0.0f)) return {1.0, f(programmed, 1.0f, adc_range)};
  return log_line_minimum([&](double b) { return f(programmed, float(b), adc_range); }, start / 16.0, largest);
}

LineMinimum search_adc_range(const TileObjective& objective, const TileObjective::Programmed& programmed,
                             float input_range, const TileCost& cost) {
  const TileCost f = or_mse(objective, cost);
  const double largest = objective.setting().crossbar.adc.output_range;
  return log_line_minimum([&](double r) { return f(programmed, input_range, float(r)); }, largest / 64, largest);
}

std::vector<float> estimate_kappa(const TileProblem& problem, const hw::MappingConfig& mapping, float input_range,
                                  float adc_range) {
  const Eigen::Index cols = problem.weights.cols();
  const hw::Vector scales = hw::mapping_scales(problem.weights, mapping);
  std::vector<float> kappa(static_cast<std::size_t>(cols), 1.0f);
  if (problem.inputs.rows() == 0) return kappa;
  const hw::BatchMatrix x = problem.inputs.cwiseMax(-input_range).cwiseMin(input_range) / input_range;
  for (Eigen::Index c = 0; c < cols; ++c) {
    const Eigen::VectorXf y = x * (problem.weights.col(c) / scales[c]).cwiseMax(-1.0f).cwiseMin(1.0f);
    const float mean = y.mean();
    const float std = std::sqrt(std::max(0.0f, (y.array() - mean).square().mean()));
    kappa[static_cast<std::size_t>(c)] = clamp_kappa((std::abs(mean) + column_sigmas * std) / adc_range);
  }
  return kappa;
}

TileSearchResult search_tile(const ObjectiveSetting& setting, const TileProblem& problem, Method method,
                             float layer_input_range, bool adc_range_fixed) {
  return search_tile(TileObjective(setting, problem), method, layer_input_range, adc_range_fixed);
}

TileSearchResult search_tile(const TileObjective& objective, Method method, float layer_input_range,
                             bool adc_range_fixed, const TileCost& tile_cost) {
  TileSearchResult r;
  const TileCost measured = or_mse(objective, tile_cost);
  const TileCost cost = [&](const TileObjective::Programmed& p, float input_range, float adc_range) {
    ++r.evaluations;
    return measured(p, input_range, adc_range);
  };
  const auto program = [&](const std::vector<float>& kappa) {
    ++r.programmings;
    return objective.program(kappa);
  };
  const ObjectiveSetting& setting = objective.setting();
  const TileProblem& problem = objective.problem();
  const int cols = static_cast<int>(problem.weights.cols());
  r.kappa = uniform(cols, 1.0f);
  r.input_range = layer_input_range;
  r.adc_range = setting.crossbar.adc.output_range;
  const TileObjective::Programmed unit = program(r.kappa);
  double best = cost(unit, r.input_range, r.adc_range);
  // Takes a search's x when its value beats the objective so far.
  const auto improves = [&best](const LineMinimum& m, float& value) {
    if (m.value < best) {
      best = m.value;
      value = float(m.x);
    }
  };
  if (!adc_range_fixed) improves(search_adc_range(objective, unit, r.input_range, cost), r.adc_range);
  r.objective_before = best;

  if (method != Method::columns) improves(search_input_range(objective, unit, r.adc_range, cost), r.input_range);

  TileObjective::Programmed chosen = unit;
  if (method != Method::dac) {
    const std::vector<float> estimate = estimate_kappa(problem, setting.mapping, r.input_range, r.adc_range);
    TileObjective::Programmed estimated = program(estimate);
    r.estimate_objective = cost(estimated, r.input_range, r.adc_range);

    const LineMinimum g = log_line_minimum(
        [&](double k) { return cost(program(uniform(cols, float(k))), r.input_range, r.adc_range); },
        min_kappa, 1.0);
    std::vector<float> searched = uniform(cols, float(g.x));
    r.search_objective = g.value;
    // One coordinate step per column, on each column's own error.
    std::vector<float> stepped = searched;
    hw::Vector best_error = hw::Vector::Constant(cols, std::numeric_limits<float>::infinity());
    for (const float f : column_steps) {
      const float k = clamp_kappa(f * float(g.x));
      const hw::Vector e = objective.column_errors(program(uniform(cols, k)), r.input_range, r.adc_range);
      ++r.column_error_reads;
      for (int c = 0; c < cols; ++c) {
        if (e[c] < best_error[c]) {
          best_error[c] = e[c];
          stepped[static_cast<std::size_t>(c)] = k;
        }
      }
    }
    TileObjective::Programmed search_programmed = program(stepped);
    const double step_objective = cost(search_programmed, r.input_range, r.adc_range);
    if (step_objective < r.search_objective) {
      r.search_objective = step_objective;
      searched = stepped;
    } else {
      search_programmed = program(searched);
    }
    const bool estimate_wins = r.estimate_objective <= r.search_objective;
    const double columns_best = estimate_wins ? r.estimate_objective : r.search_objective;
    if (columns_best < best) {
      best = columns_best;
      r.columns = estimate_wins ? ColumnChoice::estimate : ColumnChoice::search;
      r.kappa = estimate_wins ? estimate : searched;
      chosen = estimate_wins ? std::move(estimated) : std::move(search_programmed);
    }
  }

  if (!adc_range_fixed) improves(search_adc_range(objective, chosen, r.input_range, cost), r.adc_range);
  r.objective_after = best;
  return r;
}

}  // namespace imcsim::calibrate
