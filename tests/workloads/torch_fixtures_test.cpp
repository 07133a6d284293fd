// ONNX files written by real PyTorch (tests/workloads/fixtures/torch, made by scripts/export_torch_fixtures.py
// with Debian's python3-torch 1.13.1): each is imported and run by the reference executor on the inputs saved
// next to it, and must reproduce the outputs PyTorch computed on them. PyTorch is not needed to run these tests.
//
// Criterion: with y the PyTorch outputs and y' imcsim's, max_ij |y'_ij - y_ij| <= 1e-4 * max(1, max_ij |y_ij|),
// i.e. the largest error relative to the largest output magnitude (floored at 1 so that near-zero outputs
// do not demand better than FP32 accumulation-order agreement). The fixtures' logits reach a few units, so the
// relative bound is the binding one.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "hw/types.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/tensor_file.h"

namespace imcsim::workloads {
namespace {

constexpr double relative_tolerance = 1e-4;
constexpr std::int64_t samples = 8;
constexpr std::int64_t classes = 10;

std::string fixtures_dir() {
  const char* dir = std::getenv("IMCSIM_SOURCE_DIR");
  return dir ? std::string(dir) + "/tests/workloads/fixtures/torch" : "";
}

/// One row per sample (the first dimension), the rest flattened in C order, as the executor takes them.
hw::BatchMatrix to_batch(const ArrayData& a) {
  const std::int64_t rows = a.shape.at(0);
  const std::int64_t cols = rows > 0 ? a.elements() / rows : 0;
  hw::BatchMatrix m(rows, cols);
  std::copy(a.values.begin(), a.values.end(), m.data());
  return m;
}

struct Agreement {
  double max_error = 0;  ///< max |actual - expected|
  double bound = 0;      ///< relative_tolerance * max(1, max |expected|)
  bool holds() const { return max_error <= bound; }
};

/// A NaN anywhere in `actual` makes max_error NaN, which fails holds().
Agreement agreement(const hw::BatchMatrix& actual, const hw::BatchMatrix& expected) {
  Agreement a;
  double max_expected = 0;
  for (Eigen::Index i = 0; i < expected.size(); ++i) {
    const double e = std::abs(static_cast<double>(actual.data()[i]) - expected.data()[i]);
    if (std::isnan(e) || e > a.max_error) a.max_error = e;
    max_expected = std::max(max_expected, std::abs(static_cast<double>(expected.data()[i])));
  }
  a.bound = relative_tolerance * std::max(1.0, max_expected);
  return a;
}

/// Imports `onnx_file`, checks its opset and input shape, and compares the executor's outputs on
/// `data`_input.npy with 1 and 2 threads against `data`_output.npy.
void expect_matches_pytorch(const std::string& onnx_file, const std::string& data, int opset,
                            const std::vector<std::int64_t>& input_shape) {
  ASSERT_FALSE(fixtures_dir().empty()) << "IMCSIM_SOURCE_DIR is not set";
  const ArrayData input = read_npy(fixtures_dir() + "/" + data + "_input.npy");
  const ArrayData output = read_npy(fixtures_dir() + "/" + data + "_output.npy");
  std::vector<std::int64_t> batch_input_shape = input_shape;
  batch_input_shape[0] = samples;
  ASSERT_EQ(input.shape, batch_input_shape);
  ASSERT_EQ(output.shape, (std::vector<std::int64_t>{samples, classes}));

  const Graph graph = import_onnx(fixtures_dir() + "/" + onnx_file);
  EXPECT_EQ(graph.opset, opset);
  ASSERT_EQ(graph.inputs.size(), 1u);
  EXPECT_EQ(graph.tensor(graph.inputs[0]).shape, input_shape);
  ASSERT_EQ(graph.outputs.size(), 1u);

  const ReferenceExecutor exec(graph);
  const hw::BatchMatrix expected = to_batch(output);
  const hw::BatchMatrix x = to_batch(input);
  for (const int threads : {1, 2}) {
    const hw::BatchMatrix y = exec.run(x, threads);
    ASSERT_EQ(y.rows(), samples) << threads << " threads";
    ASSERT_EQ(y.cols(), classes) << threads << " threads";
    const Agreement a = agreement(y, expected);
    EXPECT_TRUE(a.holds()) << onnx_file << " with " << threads << " threads: max |imcsim - torch| = " << a.max_error
                           << " > " << a.bound;
  }
}

const std::vector<std::int64_t> image_input{-1, 1, 28, 28};
const std::vector<std::int64_t> sequence_input{-1, 28, 28};

TEST(TorchFixtures, MlpOpset13MatchesPyTorch) { expect_matches_pytorch("mlp.onnx", "mlp", 13, image_input); }

TEST(TorchFixtures, MlpOpset11MatchesPyTorch) { expect_matches_pytorch("mlp_opset11.onnx", "mlp", 11, image_input); }

TEST(TorchFixtures, CnnOpset13MatchesPyTorch) { expect_matches_pytorch("cnn.onnx", "cnn", 13, image_input); }

TEST(TorchFixtures, CnnOpset17MatchesPyTorch) { expect_matches_pytorch("cnn_opset17.onnx", "cnn", 17, image_input); }

TEST(TorchFixtures, LstmOpset13MatchesPyTorch) { expect_matches_pytorch("lstm.onnx", "lstm", 13, sequence_input); }

// The criterion is not vacuous: PyTorch's outputs agree with themselves, and fail once one logit is moved by
// twice the bound.
TEST(TorchFixtures, CriterionRejectsAnErrorTwiceTheBound) {
  ASSERT_FALSE(fixtures_dir().empty()) << "IMCSIM_SOURCE_DIR is not set";
  const hw::BatchMatrix expected = to_batch(read_npy(fixtures_dir() + "/cnn_output.npy"));
  EXPECT_TRUE(agreement(expected, expected).holds());
  const double bound = agreement(expected, expected).bound;
  EXPECT_GT(bound, relative_tolerance);  // max |torch| > 1: the relative part of the bound is in force
  hw::BatchMatrix perturbed = expected;
  perturbed(3, 7) += static_cast<float>(2 * bound);
  EXPECT_FALSE(agreement(perturbed, expected).holds());
  perturbed(3, 7) = std::nanf("");
  EXPECT_FALSE(agreement(perturbed, expected).holds());
}

}  // namespace
}  // namespace imcsim::workloads
