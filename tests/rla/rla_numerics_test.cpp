// The randomized linear algebra's numerics (rla/, docs/rla.md): a matrix on the arrays read both ways, the range
// finder's three variants, sketched least squares and the PCA classifiers, on small synthetic data.

#include <gtest/gtest.h>

#include <cmath>

#include "base/errors.h"
#include "chip/chip_config.h"
#include "rla/analog_matrix.h"
#include "rla/experiment_data.h"
#include "rla/matrix_products.h"
#include "rla/pca_features.h"
#include "rla/random_matrices.h"
#include "rla/randomized_svd.h"
#include "rla/sketched_least_squares.h"
#include "rla/svd_experiment.h"

namespace imcsim::rla {
namespace {

/// rows x cols of rank `rank` with decaying singular values, plus a little noise, entries of order 1.
Eigen::MatrixXd low_rank(Eigen::Index rows, Eigen::Index cols, int rank, std::uint64_t seed) {
  const Eigen::MatrixXd u = gaussian_matrix(rows, rank, seed, SketchId::range_finder);
  const Eigen::MatrixXd v = gaussian_matrix(rank, cols, seed + 1, SketchId::range_finder);
  Eigen::VectorXd s(rank);
  for (int i = 0; i < rank; ++i) s(i) = std::pow(0.7, i);
  return (u * s.asDiagonal() * v + 0.01 * gaussian_matrix(rows, cols, seed + 2, SketchId::least_squares)) / 3.0;
}

chip::ChipConfig chip_named(const std::string& preset) { return chip::load_chip_config(preset); }

TEST(AnalogMatrix, AnIdealChipReadsTheExactProductBothWays) {
  const Eigen::MatrixXf m = gaussian_matrix(300, 270, 3, SketchId::range_finder).cast<float>();  // 2 x 2 tiles
  const hw::BatchMatrix x = gaussian_matrix(20, 300, 4, SketchId::range_finder).cast<float>();
  const hw::BatchMatrix d = gaussian_matrix(20, 270, 5, SketchId::range_finder).cast<float>();
  const AnalogMatrix a(chip_named("ideal"), m, x, d, 3600.0);
  EXPECT_EQ(a.placement().tiles.size(), 4u);
  const hw::BatchMatrix exact_y = x * m, exact_e = d * m.transpose();
  EXPECT_LT((a.forward(x, 0) - exact_y).norm() / exact_y.norm(), 1e-5);
  EXPECT_LT((a.transposed(d, 1) - exact_e).norm() / exact_e.norm(), 1e-5);
}

TEST(AnalogMatrix, HermesReadsAreNoisyCloseAndTheSameForAnyThreadCount) {
  const Eigen::MatrixXf m = gaussian_matrix(300, 270, 3, SketchId::range_finder).cast<float>();
  const hw::BatchMatrix x = gaussian_matrix(5000, 300, 4, SketchId::range_finder).cast<float>();
  const hw::BatchMatrix d = gaussian_matrix(64, 270, 5, SketchId::range_finder).cast<float>();
  const AnalogMatrix a(chip_named("hermes64"), m, x.topRows(64), d, 3600.0);
  const hw::BatchMatrix y1 = a.forward(x, 0, 0, 1), y2 = a.forward(x, 0, 0, 2);
  EXPECT_EQ(y1, y2);
  const hw::BatchMatrix exact_y = x * m;
  const double forward_error = (y1 - exact_y).norm() / exact_y.norm();
  EXPECT_GT(forward_error, 1e-3);
  EXPECT_LT(forward_error, 0.3);
  const hw::BatchMatrix exact_e = d * m.transpose();
  const double transposed_error = (a.transposed(d, 1) - exact_e).norm() / exact_e.norm();
  EXPECT_GT(transposed_error, 1e-3);
  EXPECT_LT(transposed_error, 0.3);
  // Another pass is another noise draw of the same read; the same pass is the same draw.
  EXPECT_NE(a.forward(x, 7), y1);
  EXPECT_EQ(a.forward(x, 7), a.forward(x, 7));
}

TEST(AnalogMatrix, AMatrixLargerThanTheChipIsRefusedNamingTheCores) {
  const Eigen::MatrixXf m = Eigen::MatrixXf::Ones(784, 5000);
  try {
    AnalogMatrix(chip_named("hermes64"), m, hw::BatchMatrix(), hw::BatchMatrix(), 1.0);
    FAIL() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "matrix");
    EXPECT_NE(std::string(e.what()).find("needs 80 cores"), std::string::npos) << e.what();
  }
}

TEST(RandomMatrices, BlocksOfColumnsAreTheWholeMatrixsColumns) {
  const Eigen::MatrixXd g = gaussian_matrix(7, 30, 9, SketchId::least_squares);
  EXPECT_EQ(gaussian_columns(7, 12, 5, 9, SketchId::least_squares), g.middleCols(12, 5));
  const Eigen::MatrixXd c = count_sketch_columns(16, 0, 400, 9, SketchId::least_squares);
  EXPECT_EQ(count_sketch_columns(16, 100, 50, 9, SketchId::least_squares), c.middleCols(100, 50));
  for (Eigen::Index j = 0; j < c.cols(); ++j) EXPECT_EQ(c.col(j).cwiseAbs().sum(), 1.0);
  EXPECT_GT(std::abs(g.mean()), 0.0);
  EXPECT_LT(std::abs(g.mean()), 0.5);
}

TEST(RandomizedSvd, DigitalRsvdFindsALowRankMatrixsRangeAndPowerIterationsHelp) {
  const Eigen::MatrixXd a = low_rank(400, 120, 30, 1);
  const ExactSpectrum s = exact_spectrum(a);
  DigitalProducts digital(a, 1);
  WorkLog log0, log1;
  const double e0 = projection_error(a, s.frobenius_squared, randomized_svd(digital, {10, 10, 0}, log0).u);
  const double e1 = projection_error(a, s.frobenius_squared, randomized_svd(digital, {10, 10, 1}, log1).u);
  const double best = exact_rank_error(s, 10);
  EXPECT_GE(e0, best * (1 - 1e-9));
  EXPECT_LT(e1, e0);
  EXPECT_LT(e1, best * 1.05);
  EXPECT_GT(log1.digital_macs, log0.digital_macs + 2 * 400.0 * 120 * 20 - 1);
  EXPECT_TRUE(log0.reads.empty());
}

TEST(RandomizedSvd, OnAnIdealChipBothAnalogVariantsAreTheDigitalOne) {
  const Eigen::MatrixXd a = low_rank(600, 300, 30, 2);
  const ExactSpectrum s = exact_spectrum(a);
  const chip::ChipConfig ideal = chip_named("ideal");
  DigitalProducts digital(a, 5);
  OmegaOnArrays omega(ideal, a, 5, 25, 3600.0, 2);
  AOnArrays on_arrays(ideal, a, 5, 256, 3600.0, 2);  // three blocks, programmed in turn
  EXPECT_EQ(on_arrays.blocks(), 3);
  for (const int q : {0, 1}) {
    WorkLog ld, lo, la;
    const double ed = projection_error(a, s.frobenius_squared, randomized_svd(digital, {10, 10, q}, ld).u);
    const double eo = projection_error(a, s.frobenius_squared, randomized_svd(omega, {10, 10, q}, lo).u);
    const double ea = projection_error(a, s.frobenius_squared, randomized_svd(on_arrays, {10, 10, q}, la).u);
    EXPECT_NEAR(eo / ed, 1.0, 1e-5);
    EXPECT_NEAR(ea / ed, 1.0, 1e-5);
    ASSERT_EQ(lo.reads.size(), 1u);
    EXPECT_EQ(lo.reads[0].vectors, 600);
    EXPECT_EQ(lo.programmings.size(), 1u);
    // A on the arrays: every product reads every block; the sketch, q x 2 products and B^T.
    EXPECT_EQ(la.reads.size(), 3u * (2 + 2 * q));
    EXPECT_GE(la.programmings.size(), 3u * (2 + 2 * q) - (1 + 2 * q));
  }
}

TEST(RandomizedSvd, OmegaOnHermesStaysCloseToDigitalWhileAOnTheArraysDoesWorse) {
  const Eigen::MatrixXd a = low_rank(2000, 300, 60, 3);
  const ExactSpectrum s = exact_spectrum(a);
  const chip::ChipConfig hermes = chip_named("hermes64");
  DigitalProducts digital(a, 5);
  OmegaOnArrays omega(hermes, a, 5, 20, 3600.0, 2);
  AOnArrays on_arrays(hermes, a, 5, 0, 3600.0, 2);
  WorkLog ld, lo, la;
  const double ed = projection_error(a, s.frobenius_squared, randomized_svd(digital, {10, 10, 1}, ld).u);
  const double eo = projection_error(a, s.frobenius_squared, randomized_svd(omega, {10, 10, 1}, lo).u);
  const double ea = projection_error(a, s.frobenius_squared, randomized_svd(on_arrays, {10, 10, 1}, la).u);
  EXPECT_LT(std::abs(eo / ed - 1.0), 0.01);
  EXPECT_GT(ea, ed);
}

TEST(RandomizedSvd, OptionsTheMatrixCannotTakeAreRefusedByName) {
  const Eigen::MatrixXd a = low_rank(50, 40, 5, 4);
  DigitalProducts digital(a, 1);
  WorkLog log;
  const auto parameter_of = [&](const RsvdOptions& o) {
    try {
      randomized_svd(digital, o, log);
    } catch (const ParameterError& e) {
      return e.parameter();
    }
    return std::string("none");
  };
  EXPECT_EQ(parameter_of({41, 0, 0}), "rla.rank");
  EXPECT_EQ(parameter_of({0, 0, 0}), "rla.rank");
  EXPECT_EQ(parameter_of({35, 10, 0}), "rla.oversampling");
  EXPECT_EQ(parameter_of({5, 5, -1}), "rla.power_iterations");
  EXPECT_EQ(parameter_of({5, 5, 1}), "none");
  EXPECT_EQ(block_rows_that_fit(chip_named("hermes64"), 784), 4096);
}

TEST(SketchedLeastSquares, RefinementConvergesToTheExactFitFromEitherSketch) {
  const Eigen::MatrixXd a = low_rank(3000, 60, 60, 5);
  const Eigen::MatrixXd b = a * gaussian_matrix(60, 3, 6, SketchId::range_finder) +
                            0.5 * gaussian_matrix(3000, 3, 7, SketchId::least_squares);
  WorkLog exact_log;
  const double best = (a * exact_least_squares(a, b, exact_log) - b).norm();
  Eigen::MatrixXd ab(a.rows(), a.cols() + b.cols());
  ab << a, b;
  for (const SketchKind kind : {SketchKind::gaussian, SketchKind::count}) {
    WorkLog log;
    const Eigen::MatrixXd sketch = sketch_rows(ab, {240, kind, 0, 1, 1}, nullptr, 0.0, log);
    const double excess0 = (a * sketch_and_solve(sketch, a, b, 0, log) - b).norm() / best - 1;
    const double excess2 = (a * sketch_and_solve(sketch, a, b, 2, log) - b).norm() / best - 1;
    const double excess10 = (a * sketch_and_solve(sketch, a, b, 10, log) - b).norm() / best - 1;
    EXPECT_GT(excess0, 0.02) << sketch_kind_names().name(kind);
    EXPECT_LT(excess2, excess0);
    EXPECT_LT(excess10, 1e-6);
  }
  EXPECT_THROW(check_least_squares_options({50, SketchKind::gaussian, 0}, 3000, 60), ParameterError);
  EXPECT_THROW(check_least_squares_options({240, SketchKind::gaussian, -1}, 3000, 60), ParameterError);
}

TEST(SketchedLeastSquares, TheSketchOnAnIdealChipIsTheDigitalSketch) {
  const Eigen::MatrixXd ab = low_rank(700, 40, 20, 8);
  WorkLog digital_log, array_log;
  const chip::ChipConfig ideal = chip_named("ideal");
  const Eigen::MatrixXd digital = sketch_rows(ab, {300, SketchKind::gaussian, 0, 2, 1}, nullptr, 0.0, digital_log);
  const Eigen::MatrixXd arrays = sketch_rows(ab, {300, SketchKind::gaussian, 0, 2, 2}, &ideal, 3600.0, array_log);
  EXPECT_LT((arrays - digital).norm() / digital.norm(), 1e-5);
  EXPECT_EQ(array_log.programmings.size(), 1u);
  EXPECT_EQ(array_log.reads.at(0).vectors, 40);
  EXPECT_GT(digital_log.digital_macs, 300.0 * 700 * 40 - 1);
}

TEST(PcaFeatures, BothClassifiersSeparateSeparatedClusters) {
  Eigen::MatrixXd f(300, 2);
  std::vector<int> labels;
  const Eigen::MatrixXd noise = 0.1 * gaussian_matrix(300, 2, 11, SketchId::range_finder);
  for (int i = 0; i < 300; ++i) {
    const int c = i % 3;
    f.row(i) << 2.0 * c + noise(i, 0), (c == 1 ? 3.0 : 0.0) + noise(i, 1);
    labels.push_back(c);
  }
  EXPECT_EQ(accuracy(NearestCentroid(f, labels, 3).predict(f), labels), 1.0);
  EXPECT_GT(accuracy(LinearClassifier(f, labels, 3).predict(f), labels), 0.95);
}

TEST(ExperimentData, ANonFiniteEntryIsNamedBySampleAndFeature) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(4, 3);
  a(2, 1) = std::nan("");
  try {
    check_finite(a, "data.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "data.yaml");
    EXPECT_EQ(e.key(), "sample 2, feature 1");
  }
}

}  // namespace
}  // namespace imcsim::rla
