// Post-training range calibration (calibrate/): the 1-D search, the DAC-range objective on heavy-tailed inputs
// (issue 16, acceptance 4), the column ranges on a layer with an outlier weight per column, and a model's
// calibration whatever the thread count.

#include <gtest/gtest.h>

#include "chip/input_range_rule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "base/random.h"
#include "calibrate/line_search.h"
#include "calibrate/model_calibration.h"
#include "calibrate/tile_objective.h"
#include "calibrate/tile_search.h"
#include "chip/accuracy.h"
#include "chip/chip_config.h"

namespace imcsim::calibrate {
namespace {

/// Student-t values with `dof` degrees of freedom: z / sqrt(chi2_dof / dof), from counter-based normals.
hw::BatchMatrix student_t(int rows, int cols, int dof, std::uint32_t id) {
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  std::vector<float> z(n), chi(n * static_cast<std::size_t>(dof));
  RandomStream({7, RandomPurpose::test_input, id, 0}).normal(z.data(), n);
  RandomStream({7, RandomPurpose::test_input, id, 1}).normal(chi.data(), chi.size());
  hw::BatchMatrix x(rows, cols);
  for (std::size_t i = 0; i < n; ++i) {
    double chi2 = 0;
    for (int d = 0; d < dof; ++d) chi2 += double(chi[i * dof + d]) * chi[i * dof + d];
    x.data()[i] = static_cast<float>(z[i] / std::sqrt(chi2 / dof));
  }
  return x;
}

hw::WeightMatrix normal_weights(int rows, int cols, std::uint32_t id, float std) {
  hw::WeightMatrix w(rows, cols);
  RandomStream({7, RandomPurpose::test_input, id, 2}).normal(w.data(), static_cast<std::size_t>(w.size()));
  return w * std;
}

struct Fixture {
  chip::ChipConfig config = chip::default_chip_config();
  std::unique_ptr<hw::InferenceDeviceModel> device = hw::make_inference_device(config.device);
  ObjectiveSetting setting = objective_setting(config, *device, 3600.0, 2);
};

TEST(LineSearch, FindsTheMinimumOfASmoothFunctionOnALogScale) {
  int calls = 0;
  const LineMinimum m = log_line_minimum(
      [&](double x) {
        ++calls;
        return std::pow(std::log(x / 3.0), 2);
      },
      0.01, 100.0, 9, 20);
  EXPECT_NEAR(m.x, 3.0, 0.01);
  EXPECT_EQ(calls, 29);
}

TEST(TileObjective, NoiseSeedsDifferFromTheEvaluationSeedAndFromEachOther) {
  Fixture f;
  ASSERT_EQ(f.setting.noise_seeds.size(), 2u);
  EXPECT_NE(f.setting.noise_seeds[0], f.config.sim.seed);
  EXPECT_NE(f.setting.noise_seeds[1], f.config.sim.seed);
  EXPECT_NE(f.setting.noise_seeds[0], f.setting.noise_seeds[1]);
  EXPECT_EQ(noise_seed(f.config.sim.seed, 1), f.setting.noise_seeds[1]);
}

TEST(ColumnRanges, TheEstimateMapsMeanPlusThreeStdOfAColumnsOutputsOntoTheAdcRange) {
  TileProblem problem;
  problem.inputs = hw::BatchMatrix(2, 1);
  problem.inputs << 1.0f, -1.0f;  // outputs +-u: mean 0, std |u|
  problem.weights = hw::WeightMatrix(1, 2);
  problem.weights << 0.5f, -2.0f;  // per_column: u = +-1 in both columns
  const std::vector<float> k = estimate_kappa(problem, hw::MappingConfig{}, 1.0f, 6.0f);
  EXPECT_FLOAT_EQ(k[0], 0.5f);  // (0 + 3 x 1) / 6
  EXPECT_FLOAT_EQ(k[1], 0.5f);
  EXPECT_FLOAT_EQ(estimate_kappa(problem, hw::MappingConfig{}, 1.0f, 2.0f)[0], 1.0f);     // at most 1
  EXPECT_FLOAT_EQ(estimate_kappa(problem, hw::MappingConfig{}, 1.0f, 600.0f)[0], min_kappa);  // at least 1/16
}

// Acceptance 4 of issue 16: heavy-tailed inputs (Student-t, 3 degrees of freedom) on a 256 x 64 layer.
TEST(DacRange, HeavyTailedInputsHaveAnInteriorOptimumThatTheSearchFinds) {
  Fixture f;
  TileProblem problem;
  problem.inputs = student_t(256, 256, 3, 1);
  problem.weights = normal_weights(256, 64, 1, 0.1f);
  const TileObjective objective(f.setting, problem);
  const TileObjective::Programmed unit = objective.program(std::vector<float>(64, 1.0f));
  const float adc = f.setting.crossbar.adc.output_range;
  const double start = chip::abs_percentile(problem.inputs, 0.99f) / 16.0;
  const double largest = chip::abs_percentile(problem.inputs, 1.0f);
  constexpr int grid = 200;
  double best = 1e300, best_beta = 0;
  std::vector<double> values;
  for (int i = 0; i < grid; ++i) {
    const double beta = start * std::pow(largest / start, double(i) / (grid - 1));
    values.push_back(objective(unit, float(beta), adc));
    if (values.back() < best) {
      best = values.back();
      best_beta = beta;
    }
  }
  const LineMinimum found = search_input_range(objective, unit, adc);
  std::printf("beta in [%.4g, %.4g]: objective %.5g at the smallest, %.5g at the largest, dense-grid best %.5g at "
              "%.4g, search %.5g at %.4g (%.3f %% above the grid's best)\n",
              start, largest, values.front(), values.back(), best, best_beta, found.value, found.x,
              100.0 * (found.value / best - 1.0));
  EXPECT_LT(best, values.front());
  EXPECT_LT(best, values.back());
  EXPECT_LE(found.value, best * 1.02);
}

TEST(ColumnRanges, AnOutlierWeightPerColumnIsBetterServedBelowKappaOne) {
  Fixture f;
  TileProblem problem;
  problem.inputs = student_t(256, 256, 3, 2).cwiseMax(-3.0f).cwiseMin(3.0f);
  problem.weights = normal_weights(256, 64, 2, 0.05f);
  for (int c = 0; c < 64; ++c) problem.weights((c * 37) % 256, c) = (c % 2 ? 1.0f : -1.0f);
  const float layer_range = chip::abs_percentile(problem.inputs, 0.99f);
  const TileSearchResult r = search_tile(f.setting, problem, Method::columns, layer_range, false);
  const TileObjective objective(f.setting, problem);
  const double unit = objective(objective.program(std::vector<float>(64, 1.0f)), r.input_range, r.adc_range);
  float kappa_mean = 0;
  for (const float k : r.kappa) kappa_mean += k / 64.0f;
  std::printf("kappa 1: %.5g (start, ADC searched: %.5g); estimate %.5g, search %.5g; chosen %s, mean kappa %.3f, "
              "objective after %.5g (%.1f %% of the start)\n",
              unit, r.objective_before, r.estimate_objective, r.search_objective,
              column_choice_names().name(r.columns).c_str(), kappa_mean, r.objective_after,
              100.0 * r.objective_after / r.objective_before);
  EXPECT_LT(std::min(r.estimate_objective, r.search_objective), 0.9 * unit);
  EXPECT_NE(r.columns, ColumnChoice::none);
  EXPECT_LT(r.objective_after, 0.9 * r.objective_before);
  EXPECT_LT(kappa_mean, 1.0f);
}

ModelCalibration calibrate_small_model(int threads) {
  chip::ChipConfig config = chip::default_chip_config();
  config.cores.rows = 128;
  config.cores.cols = 32;
  std::vector<workloads::WeightLayer> layers(2);
  layers[0].name = "a";
  layers[0].matrix = normal_weights(200, 40, 3, 0.1f);
  layers[1].name = "b";
  layers[1].matrix = normal_weights(40, 10, 4, 0.2f);
  const std::vector<hw::BatchMatrix> inputs = {student_t(64, 200, 3, 3), student_t(64, 40, 3, 4)};
  std::vector<firmware::LayerShape> shapes;
  for (const auto& l : layers) shapes.push_back({l.name, l.rows(), l.cols()});
  const firmware::ModelMapping mapping =
      firmware::map_model(shapes, chip::chip_geometry(config), firmware::Replication::fill);
  CalibrationOptions options;
  options.noise_seeds = 2;
  options.threads = threads;
  return calibrate_model(config, "small", layers, mapping, inputs, options);
}

TEST(ModelCalibration, IsTheSameForAnyThreadCount) {
  const ModelCalibration one = calibrate_small_model(1);
  ASSERT_EQ(one.ranges.layers.size(), 2u);
  EXPECT_EQ(one.ranges.layers[0].tiles.size(), 4u);  // 2 row tiles x 2 column tiles
  for (const int threads : {2, 3}) {
    const ModelCalibration other = calibrate_small_model(threads);
    for (std::size_t k = 0; k < one.layers.size(); ++k) {
      ASSERT_EQ(other.ranges.layers[k].tiles.size(), one.ranges.layers[k].tiles.size());
      for (std::size_t i = 0; i < one.ranges.layers[k].tiles.size(); ++i) {
        const chip::TileRanges& a = one.ranges.layers[k].tiles[i];
        const chip::TileRanges& b = other.ranges.layers[k].tiles[i];
        EXPECT_EQ(a.row_tile, b.row_tile);
        EXPECT_EQ(a.col_tile, b.col_tile);
        EXPECT_EQ(a.replica, -1);
        EXPECT_EQ(a.input_range, b.input_range);
        EXPECT_EQ(a.adc_range, b.adc_range);
        EXPECT_EQ(a.column_kappa, b.column_kappa);
        EXPECT_EQ(one.layers[k].results[i].objective_after, other.layers[k].results[i].objective_after);
        EXPECT_LE(one.layers[k].results[i].objective_after, one.layers[k].results[i].objective_before);
      }
    }
  }
}

}  // namespace
}  // namespace imcsim::calibrate
