// The accuracy path: a model's weight layers mapped onto cores and read through hw/ crossbars. On the ideal
// chip it computes what FP32 computes; on HERMES its noise is keyed by (core, step, image), so results do not
// depend on chunking or threads; drift compensation restores drifted outputs; replication and mapping errors.

#include "chip/analog_model.h"

#include <gtest/gtest.h>

#include <random>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "tests/support/thrown.h"
#include "workloads/reference_executor.h"
#include "workloads/shape_inference.h"

namespace imcsim::chip {
namespace {

using workloads::Graph;
using workloads::Node;
using workloads::Tensor;

Tensor random_tensor(const std::string& name, std::vector<std::int64_t> shape, std::uint32_t seed, float scale) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = true;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  t.data.resize(static_cast<std::size_t>(t.elements()));
  for (auto& v : t.data) v = normal(rng);
  return t;
}

Node node(const std::string& op, std::vector<std::string> in, std::string out) {
  Node n;
  n.name = op + "_" + out;
  n.op = op;
  n.inputs = std::move(in);
  n.outputs = {std::move(out)};
  return n;
}

/// x [N, 1, 12, 12] -> Conv 3x3 (4 channels, pad 1) -> Relu -> Flatten -> Gemm(576 -> 300) -> Relu -> Gemm(300 -> 10):
/// the Gemm of 576 inputs and 300 outputs needs 3 x 2 tiles of 256 x 256.
Graph small_cnn() {
  Graph g;
  g.name = "small_cnn";
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.tensors["x"] = Tensor{"x", {-1, 1, 12, 12}, {}, false, 0};
  g.tensors["k"] = random_tensor("k", {4, 1, 3, 3}, 1, 0.4f);
  g.tensors["kb"] = random_tensor("kb", {4}, 2, 0.1f);
  g.tensors["w1"] = random_tensor("w1", {300, 576}, 3, 0.05f);
  g.tensors["b1"] = random_tensor("b1", {300}, 4, 0.1f);
  g.tensors["w2"] = random_tensor("w2", {10, 300}, 5, 0.1f);
  Node conv = node("Conv", {"x", "k", "kb"}, "c");
  conv.attributes["pads"].ints = {1, 1, 1, 1};
  g.nodes.push_back(conv);
  g.nodes.push_back(node("Relu", {"c"}, "r"));
  Node flat = node("Flatten", {"r"}, "f");
  g.nodes.push_back(flat);
  Node fc1 = node("Gemm", {"f", "w1", "b1"}, "h");
  fc1.attributes["transB"].i = 1;
  g.nodes.push_back(fc1);
  g.nodes.push_back(node("Relu", {"h"}, "hr"));
  Node fc2 = node("Gemm", {"hr", "w2"}, "y");
  fc2.attributes["transB"].i = 1;
  g.nodes.push_back(fc2);
  workloads::infer_graph_shapes(g);
  return g;
}

hw::BatchMatrix images(int n, std::uint32_t seed) {
  hw::BatchMatrix x(n, 144);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  return x;
}

struct MappedModel {
  ChipConfig config;
  Graph graph = small_cnn();
  firmware::ModelMapping mapping;
  std::unique_ptr<AnalogModel> model;
  explicit MappedModel(const std::string& preset, firmware::Replication replication = firmware::Replication::none,
                       AdcRange adc_range = AdcRange::per_core) {
    config = load_chip_config(preset);
    config.compiler.adc_range = adc_range;
    mapping = firmware::map_model(layer_shapes(graph), chip_geometry(config), replication);
    model = std::make_unique<AnalogModel>(config, workloads::weight_layers(graph), mapping,
                                          capture_layer_inputs(graph, images(16, 99)));
  }
};

TEST(AnalogModel, IdealChipComputesWhatFp32Computes) {
  const MappedModel s("ideal");
  ASSERT_EQ(s.mapping.layers.size(), 3u);
  EXPECT_EQ(s.mapping.layers[1].row_tiles, 3);
  EXPECT_EQ(s.mapping.layers[1].col_tiles, 2);
  const hw::BatchMatrix x = images(40, 7);
  const hw::BatchMatrix fp32 = workloads::ReferenceExecutor(s.graph).run(x);
  for (const bool compensate : {false, true}) {
    const hw::BatchMatrix analog = workloads::ReferenceExecutor(s.graph, s.model->engine_at(3600.0, compensate)).run(x);
    const float scale = fp32.cwiseAbs().maxCoeff();
    EXPECT_LT((analog - fp32).cwiseAbs().maxCoeff(), 1e-5f * scale) << "compensate " << compensate;
  }
}

TEST(AnalogModel, NoiseIsKeyedByImageNotByChunkOrThread) {
  const MappedModel s("hermes64");
  const hw::BatchMatrix x = images(300, 8);  // three executor chunks
  const workloads::ReferenceExecutor chip(s.graph, s.model->engine_at(3600.0, true));
  const hw::BatchMatrix all = chip.run(x, 1);
  EXPECT_EQ(chip.run(x, 2), all);
  // The last 100 images on their own, told which images they are.
  EXPECT_EQ(chip.run(x.bottomRows(100), 1, 200), all.bottomRows(100));
  // Told they are other images, they see other noise.
  EXPECT_NE(chip.run(x.bottomRows(100), 1, 0), all.bottomRows(100));
  const hw::BatchMatrix fp32 = workloads::ReferenceExecutor(s.graph).run(x);
  EXPECT_GT((all - fp32).cwiseAbs().maxCoeff(), 0.0f) << "HERMES reads are noisy";
}

TEST(AnalogModel, DriftCompensationRestoresTheOutputLevel) {
  const MappedModel s("hermes64");
  const hw::BatchMatrix x = images(100, 9);
  const hw::BatchMatrix fp32 = workloads::ReferenceExecutor(s.graph).run(x);
  const double year = 365.0 * 86400.0;
  const auto level = [&](bool compensate) {
    const hw::BatchMatrix y = workloads::ReferenceExecutor(s.graph, s.model->engine_at(year, compensate)).run(x);
    return y.cwiseAbs().mean() / fp32.cwiseAbs().mean();
  };
  const double drifted = level(false), compensated = level(true);
  // Three layers drift to about 0.7 each; the compensation brings each back to about 0.93 (its probe reads the
  // additive noise too, which does not drift, so it under-corrects small signals).
  EXPECT_LT(drifted, 0.5);
  EXPECT_GT(compensated, 0.75);
  EXPECT_LT(compensated, 1.1);
}

TEST(AnalogModel, PerCoreAdcRangesFitTheOutputsAndCutTheError) {
  const MappedModel fixed("hermes64", firmware::Replication::none, AdcRange::fixed);
  const MappedModel per_core("hermes64", firmware::Replication::none, AdcRange::per_core);
  const float full_scale = fixed.config.adc.output_range;
  int narrowed = 0;
  for (const auto& layer : fixed.model->adc_ranges()) {
    for (const float r : layer) EXPECT_EQ(r, full_scale);
  }
  for (const auto& layer : per_core.model->adc_ranges()) {
    for (const float r : layer) {
      EXPECT_GT(r, 0.0f);
      EXPECT_LE(r, full_scale);
      narrowed += r < full_scale;
    }
  }
  EXPECT_GT(narrowed, 0) << "the small CNN's outputs are far below the preset's full scale";
  const hw::BatchMatrix x = images(100, 12);
  const hw::BatchMatrix fp32 = workloads::ReferenceExecutor(fixed.graph).run(x);
  const auto error = [&](const MappedModel& m) {
    return (workloads::ReferenceExecutor(m.graph, m.model->engine_at(60.0, true)).run(x) - fp32).cwiseAbs().mean();
  };
  EXPECT_LT(error(per_core), error(fixed)) << "same devices, finer ADC steps";
}

TEST(AnalogModel, ReplicasServeAlternateStepsOnOtherCores) {
  const MappedModel plain("hermes64");
  const MappedModel replicated("hermes64", firmware::Replication::balance);
  const auto& conv = replicated.mapping.layers[0];
  EXPECT_GT(conv.replicas, 1) << "the conv has 144 MVMs per inference, the Gemms 1";
  EXPECT_EQ(replicated.mapping.layers[1].replicas, 1);
  EXPECT_LE(replicated.mapping.cores_used(), 64);
  const hw::BatchMatrix x = images(20, 10);
  const hw::BatchMatrix a = workloads::ReferenceExecutor(plain.graph, plain.model->engine_at(60.0, true)).run(x);
  const hw::BatchMatrix b =
      workloads::ReferenceExecutor(replicated.graph, replicated.model->engine_at(60.0, true)).run(x);
  EXPECT_NE(a, b) << "other devices, other noise";
  // The same function with the same kind of error.
  const hw::BatchMatrix fp32 = workloads::ReferenceExecutor(plain.graph).run(x);
  const float error_a = (a - fp32).cwiseAbs().mean(), error_b = (b - fp32).cwiseAbs().mean();
  EXPECT_LT(error_a, 2.0f * error_b);
  EXPECT_LT(error_b, 2.0f * error_a);
}

TEST(ModelMapping, ATooLargeModelSaysWhatItNeeds) {
  const std::vector<firmware::LayerShape> layers = {{"big", 4096, 2048, 1}, {"head", 2048, 10, 1}};
  const ParameterError e = test::thrown_by<ParameterError>(
      [&] { firmware::map_model(layers, firmware::ChipGeometry{}, firmware::Replication::none); });
  EXPECT_EQ(e.parameter(), "model");
  const std::string what = e.what();
  EXPECT_NE(what.find("needs 136 cores"), std::string::npos) << what;
  EXPECT_NE(what.find("big: 128"), std::string::npos) << what;
  EXPECT_NE(what.find("the chip has 64"), std::string::npos) << what;
}

}  // namespace
}  // namespace imcsim::chip
