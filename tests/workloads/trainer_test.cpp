// The layer-based trainer: every layer's backward against finite differences, learning, determinism over
// thread counts, the hardware-aware options, and export to the IR that the reference executor runs.

#include "workloads/training/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "base/errors.h"
#include "base/random.h"
#include "workloads/onnx_export.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/training/per_step.h"

namespace imcsim::workloads::training {
namespace {

Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, std::uint32_t id, float scale = 1.0f) {
  Matrix m(rows, cols);
  RandomStream({7, RandomPurpose::test_input, id, 0}).normal(m.data(), static_cast<std::size_t>(m.size()));
  return m * scale;
}

Pass training_pass(const std::vector<Matrix>& x, ChunkPool& pool, std::uint64_t step = 0) {
  Pass p;
  p.pool = &pool;
  p.training = true;
  p.step = step;
  for (const auto& m : x) {
    p.first.push_back(p.batch);
    p.batch += static_cast<int>(m.rows());
  }
  return p;
}

/// L = sum(y * r) over all chunks, in double.
double probe_loss(Layer& layer, const std::vector<Matrix>& x, const std::vector<Matrix>& r, ChunkPool& pool) {
  std::vector<Matrix> y = x;
  layer.forward(y, training_pass(x, pool));
  double sum = 0;
  for (std::size_t k = 0; k < y.size(); ++k) sum += y[k].cast<double>().cwiseProduct(r[k].cast<double>()).sum();
  return sum;
}

/// Checks dL/dx and dL/dparameters of `layer` (two chunks, so cross-chunk reductions count) against central
/// differences at a sample of entries.
void check_gradients(Layer& layer, Eigen::Index rows0, Eigen::Index rows1, float input_scale = 1.0f, double eps = 1e-2,
                     double tolerance = 2e-2) {
  ChunkPool pool(1);
  const int in = layer.input_shape().size(), out = layer.output_shape().size();
  std::vector<Matrix> x{random_matrix(rows0, in, 1, input_scale), random_matrix(rows1, in, 2, input_scale)};
  const std::vector<Matrix> r{random_matrix(rows0, out, 3), random_matrix(rows1, out, 4)};
  std::vector<Matrix> dy = x;
  const Pass pass = training_pass(x, pool);
  layer.forward(dy, pass);
  dy = r;
  layer.backward(dy, pass);
  const auto expect_close = [&](double numeric, double analytic, const std::string& what) {
    EXPECT_NEAR(numeric, analytic, tolerance * (std::abs(analytic) + 0.1)) << layer.name() << " " << what;
  };
  for (std::size_t k = 0; k < x.size(); ++k) {
    for (Eigen::Index i = 0; i < x[k].size(); i += std::max<Eigen::Index>(1, x[k].size() / 13)) {
      const float keep = x[k].data()[i];
      x[k].data()[i] = keep + static_cast<float>(eps);
      const double up = probe_loss(layer, x, r, pool);
      x[k].data()[i] = keep - static_cast<float>(eps);
      const double down = probe_loss(layer, x, r, pool);
      x[k].data()[i] = keep;
      expect_close((up - down) / (2 * eps), dy[k].data()[i], "input " + std::to_string(k) + ":" + std::to_string(i));
    }
  }
  for (Parameter* p : layer.parameters()) {
    if (!p->trainable) continue;
    const Matrix analytic = p->grad;
    for (Eigen::Index i = 0; i < p->value.size(); i += std::max<Eigen::Index>(1, p->value.size() / 11)) {
      const float keep = p->value.data()[i];
      p->value.data()[i] = keep + static_cast<float>(eps);
      const double up = probe_loss(layer, x, r, pool);
      p->value.data()[i] = keep - static_cast<float>(eps);
      const double down = probe_loss(layer, x, r, pool);
      p->value.data()[i] = keep;
      expect_close((up - down) / (2 * eps), analytic.data()[i], p->name + ":" + std::to_string(i));
    }
  }
}

TEST(TrainerLayers, DenseBackwardMatchesFiniteDifferences) {
  Dense layer("fc", 7, 5, {}, 1);
  check_gradients(layer, 3, 4);
}

TEST(TrainerLayers, ConvBackwardMatchesFiniteDifferencesWithPaddingAndStride) {
  Conv2d strided("conv", {2, 7, 6}, 3, 3, 2, 1, true, {}, 1);
  check_gradients(strided, 2, 3);
  Conv2d plain("conv_nobias", {3, 5, 5}, 2, 1, 1, 0, false, {}, 2);
  check_gradients(plain, 2, 1);
}

TEST(TrainerLayers, BatchNormBackwardMatchesFiniteDifferencesAcrossChunks) {
  BatchNorm layer("bn", {3, 2, 2});
  // Give the scale and shift non-trivial values.
  layer.parameters()[0]->value << 1.5f, -0.7f, 0.9f;
  layer.parameters()[1]->value << 0.2f, 0.1f, -0.3f;
  check_gradients(layer, 3, 2, 1.0f, 1e-2, 3e-2);
}

TEST(TrainerLayers, PoolingBackwardMatchesFiniteDifferences) {
  MaxPool2d pool("pool", {2, 6, 4}, 2, 2);
  check_gradients(pool, 2, 3, 1.0f, 1e-3);
  GlobalAveragePool gap("gap", {3, 3, 2});
  check_gradients(gap, 2, 2);
}

TEST(TrainerLayers, ResidualBlockBackwardMatchesFiniteDifferences) {
  const Shape in{2, 4, 4};
  std::vector<LayerPtr> body, shortcut;
  body.push_back(std::make_unique<Conv2d>("c1", in, 3, 3, 2, 1, false, HardwareAwareConfig{}, 1));
  body.push_back(std::make_unique<BatchNorm>("b1", body.back()->output_shape()));
  body.push_back(std::make_unique<Relu>("r1", body.back()->output_shape()));
  body.push_back(
      std::make_unique<Conv2d>("c2", body.back()->output_shape(), 3, 3, 1, 1, false, HardwareAwareConfig{}, 2));
  shortcut.push_back(std::make_unique<Conv2d>("proj", in, 3, 1, 2, 0, false, HardwareAwareConfig{}, 3));
  Residual block("block", in, std::move(body), std::move(shortcut));
  check_gradients(block, 3, 2, 1.0f, 1e-3, 3e-2);
}

TEST(TrainerLayers, LstmBackwardThroughTimeMatchesFiniteDifferences) {
  Lstm layer("lstm", 4, 3, 5, {}, 1);
  check_gradients(layer, 2, 3, 1.0f, 1e-2, 2e-2);
}

TEST(TrainerLayers, SequenceLstmBackwardThroughTimeMatchesFiniteDifferences) {
  // Every step's hidden state is an output, so every step's gradient enters the recurrence.
  Lstm layer("lstm", 4, 3, 5, {}, 1, true);
  ASSERT_EQ(layer.output_shape().size(), 20);
  check_gradients(layer, 2, 3, 1.0f, 1e-2, 2e-2);
  // Exported with the LSTM's every-step output Y (batch x 4 x 1 x 5), flattened to 20 values a sample.
  Graph g;
  GraphWriter writer(g);
  const std::string out = layer.export_to(writer, "x");
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].op, "LSTM");
  EXPECT_EQ(g.nodes[0].outputs, std::vector<std::string>{"lstm_y"});
  EXPECT_EQ(g.tensors.at("lstm_y").shape, (std::vector<std::int64_t>{-1, 4, 1, 5}));
  EXPECT_EQ(g.tensors.at(out).shape, (std::vector<std::int64_t>{-1, 20}));
}

TEST(TrainerLayers, PerStepDenseIsTheDenseAtEveryStepAndMatchesFiniteDifferences) {
  PerStep layer("fc", 3, std::make_unique<Dense>("fc", 4, 5, HardwareAwareConfig{}, 1));
  ASSERT_EQ(layer.input_shape().size(), 12);
  ASSERT_EQ(layer.output_shape().size(), 15);
  check_gradients(layer, 2, 3);
  // Step t of sample s is the dense layer of that step's 4 values.
  Dense alone("fc", 4, 5, HardwareAwareConfig{}, 1);
  ChunkPool pool(1);
  const Matrix x = random_matrix(2, 12, 9);
  std::vector<Matrix> y{x};
  layer.forward(y, training_pass(y, pool));
  for (int t = 0; t < 3; ++t) {
    std::vector<Matrix> step{Matrix(x.middleCols(4 * t, 4))};
    alone.forward(step, training_pass(step, pool));
    EXPECT_LT((y[0].middleCols(5 * t, 5) - step[0]).cwiseAbs().maxCoeff(), 1e-6) << "step " << t;
  }
}

TrainingConfig small(const std::string& model) {
  TrainingConfig c;
  c.model = model;
  c.epochs = 1;
  c.batch = 64;
  c.threads = 1;
  return c;
}

TEST(TrainerLayers, DropoutZeroesAndScalesInTrainingAndPassesInferenceThrough) {
  constexpr double p = 0.25;
  Dropout dropout("dropout", {1, 1, 500}, p, 3, 1000);
  ChunkPool pool(1);
  const Matrix x = Matrix::Ones(40, 500);
  // One chunk of 40 samples and the same samples as two chunks get the same masks.
  std::vector<Matrix> one{x}, two{x.topRows(15), x.bottomRows(25)};
  dropout.forward(one, training_pass(one, pool, 7));
  const Matrix mask = one[0];
  int zeros = 0;
  for (Eigen::Index i = 0; i < mask.size(); ++i) {
    const float v = mask.data()[i];
    ASSERT_TRUE(v == 0.0f || std::fabs(v - 1.0f / (1.0f - p)) < 1e-6f) << v;
    zeros += v == 0.0f;
  }
  EXPECT_NEAR(static_cast<double>(zeros) / static_cast<double>(mask.size()), p, 0.01);  // 20,000 values
  dropout.forward(two, training_pass(two, pool, 7));
  EXPECT_TRUE(two[0] == mask.topRows(15));
  EXPECT_TRUE(two[1] == mask.bottomRows(25));
  // Backward passes the gradient through the same mask; another step draws another mask.
  std::vector<Matrix> dy{Matrix::Constant(40, 500, 2.0f)};
  one = {x};
  dropout.forward(one, training_pass(one, pool, 7));
  dropout.backward(dy, training_pass(dy, pool, 7));
  EXPECT_TRUE(dy[0] == 2.0f * mask);
  std::vector<Matrix> other{x};
  dropout.forward(other, training_pass(other, pool, 8));
  EXPECT_FALSE(other[0] == mask);
  // Inference: unchanged.
  std::vector<Matrix> inference{x};
  Pass pass = training_pass(inference, pool, 7);
  pass.training = false;
  dropout.forward(inference, pass);
  EXPECT_TRUE(inference[0] == x);
}

TEST(Trainer, DropoutNetworksExportWithoutDropoutAndAreRefusedWhereTheZooHasNone) {
  const std::unique_ptr<Network> lstm = build_network("lstm", HardwareAwareConfig{}, {}, DropoutConfig{0.3, 1});
  const Graph g = lstm->export_graph();
  for (const Node& n : g.nodes) EXPECT_NE(n.op, "Dropout") << n.name;
  try {
    build_network("cnn", HardwareAwareConfig{}, {}, DropoutConfig{0.3, 1});
    FAIL() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_NE(std::string(e.what()).find("train.dropout"), std::string::npos) << e.what();
  }
}

TEST(Trainer, SmallCnnLearnsFashionMnist) {
  const Dataset train = load_fashion_mnist("train", 2000);
  const Dataset test = load_fashion_mnist("test", 1000);
  TrainingConfig c = small("cnn");
  c.epochs = 2;
  Trainer trainer(c);
  std::vector<double> losses;
  trainer.train(train, [&](const Progress& p) {
    if (p.batch == p.batches) losses.push_back(p.loss);
  });
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_LT(losses[1], losses[0]);
  EXPECT_GT(top1(trainer.predict(test.samples), test.labels), 0.6) << "two epochs on 2,000 images; chance is 0.1";
}

std::vector<Matrix> trained_parameters(TrainingConfig c, const Dataset& data) {
  Trainer trainer(std::move(c));
  trainer.train(data);
  std::vector<Matrix> values;
  for (Parameter* p : trainer.network().parameters()) values.push_back(p->value);
  return values;
}

TEST(Trainer, WeightsAreBitIdenticalForAnyThreadCountAndFollowTheSeed) {
  const Dataset train = load_fashion_mnist("train", 300);
  for (const std::string model : {"resnet", "lstm"}) {
    TrainingConfig c = small(model);
    c.batch = 100;  // chunks of 32, 32, 32 and 4 samples
    c.hwa.weight_noise = WeightNoise::pcm;
    c.hwa.weight_noise_std = 1.0;
    c.hwa.output_noise = 0.02;
    c.hwa.dac_bits = 8;
    c.hwa.adc_bits = 8;
    c.hwa.learn_input_range = true;
    const auto one = trained_parameters(c, train);
    c.threads = 2;
    const auto two = trained_parameters(c, train);
    ASSERT_EQ(one.size(), two.size());
    for (std::size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(one[i] == two[i]) << model << " parameter " << i;
    c.seed = 2;
    EXPECT_FALSE(one[0] == trained_parameters(c, train)[0]) << model;
  }
}

TEST(Trainer, RejectsUnknownModelsAndOptions) {
  TrainingConfig c = small("transformer");
  EXPECT_THROW(Trainer{c}, ParameterError);
  c = small("mlp");
  c.schedule = "step";
  EXPECT_THROW(Trainer{c}, ParameterError);
  c = small("mlp");
  c.hwa.weight_noise = WeightNoise::additive;  // without a std
  EXPECT_THROW(Trainer{c}, ParameterError);
  EXPECT_THROW(parse_weight_noise("gaussian"), ParameterError);
}

TEST(Optimizer, SgdWithMomentumAndAdamFollowTheirUpdateRules) {
  Parameter p;
  p.value = Matrix::Constant(1, 2, 1.0f);
  p.grad = Matrix::Constant(1, 2, 0.5f);
  Parameter buffer = p;
  buffer.trainable = false;
  OptimizerConfig sgd;
  sgd.kind = "sgd";
  sgd.momentum = 0.9;
  Optimizer a(sgd, {&p, &buffer});
  a.step(0.1);  // v = g, w -= lr v
  EXPECT_FLOAT_EQ(p.value(0, 0), 1.0f - 0.05f);
  a.step(0.1);  // v = 0.9 g + g
  EXPECT_FLOAT_EQ(p.value(0, 0), 1.0f - 0.05f - 0.1f * 0.95f);
  EXPECT_EQ(buffer.value(0, 0), 1.0f) << "buffers are not trained";
  // Adam's first step moves every weight by about lr against the sign of its gradient.
  p.value.setConstant(1.0f);
  p.grad << 0.5f, -2.0f;
  Optimizer adam(OptimizerConfig{}, {&p});
  adam.step(0.01);
  EXPECT_NEAR(p.value(0, 0), 0.99f, 1e-6);
  EXPECT_NEAR(p.value(0, 1), 1.01f, 1e-6);
  OptimizerConfig wrong;
  wrong.kind = "rmsprop";
  EXPECT_THROW(Optimizer(wrong, {&p}), ParameterError);
}

TEST(ChunkPool, RunsEveryChunkOnceAndRethrows) {
  ChunkPool pool(2);
  std::vector<int> hits(50, 0);
  for (int round = 0; round < 20; ++round) pool.run(50, [&](int i) { ++hits[static_cast<std::size_t>(i)]; });
  for (const int h : hits) EXPECT_EQ(h, 20);
  EXPECT_THROW(pool.run(8,
                        [](int i) {
                          if (i == 5) throw Error("chunk 5");
                        }),
               Error);
  pool.run(3, [&](int i) { hits[static_cast<std::size_t>(i)] = -1; });
  EXPECT_EQ(hits[2], -1) << "usable after an exception";
}

TEST(Trainer, SgdWithMomentumLearnsToo) {
  const Dataset train = load_fashion_mnist("train", 1000);
  TrainingConfig c = small("mlp");
  c.epochs = 2;
  c.optimizer.kind = "sgd";
  c.optimizer.learning_rate = 0.05;
  std::vector<double> losses;
  Trainer trainer(c);
  trainer.train(train, [&](const Progress& p) {
    if (p.batch == p.batches) losses.push_back(p.loss);
  });
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_LT(losses[1], 0.8 * losses[0]);
}

// ---- hardware-aware options ----

TEST(HardwareAware, DacBitsQuantiseTheInputsOfEveryVector) {
  HardwareAwareConfig c;
  c.dac_bits = 3;  // codes -3 ... 3: 7 levels
  AnalogProduct product(c, 1);
  const Matrix w = random_matrix(4, 16, 1);
  const Matrix x = random_matrix(5, 16, 2);
  product.begin(w, 0, true);
  ProductCache cache;
  const Matrix y = product.forward(x, 0, &cache);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float s = x.row(r).cwiseAbs().maxCoeff();
    std::set<float> levels;
    for (Eigen::Index i = 0; i < x.cols(); ++i) {
      const float code = cache.x(r, i) / s * 3.0f;
      EXPECT_NEAR(code, std::round(code), 1e-5);
      EXPECT_LE(std::abs(cache.x(r, i) - x(r, i)), s / 6.0f + 1e-6f);
      levels.insert(std::round(code));
    }
    EXPECT_LE(levels.size(), 7u);
  }
  EXPECT_TRUE(y.isApprox(cache.x * w.transpose()));
  // Inference is FP32.
  product.begin(w, 0, false);
  EXPECT_TRUE(product.forward(x, 0, nullptr).isApprox(x * w.transpose()));
}

TEST(HardwareAware, AdcBitsQuantiseTheOutputsOverTheirRange) {
  HardwareAwareConfig c;
  c.adc_bits = 4;  // codes -7 ... 7
  c.adc_range = 2.0;
  AnalogProduct product(c, 1);
  const Matrix w = random_matrix(6, 8, 3);
  const Matrix x = random_matrix(5, 8, 4);
  product.begin(w, 0, true);
  ProductCache cache;
  const Matrix y = product.forward(x, 0, &cache);
  const float w_max = w.cwiseAbs().maxCoeff();
  for (Eigen::Index r = 0; r < y.rows(); ++r) {
    const float unit = x.row(r).cwiseAbs().maxCoeff() * w_max;
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
      const float code = y(r, j) / unit * 7.0f / 2.0f;
      EXPECT_NEAR(code, std::round(code), 1e-4);
      EXPECT_LE(std::abs(code), 7.0f + 1e-4f);
    }
  }
  // Straight-through: the gradient is that of the unquantised product.
  Matrix dw = Matrix::Zero(6, 8);
  float range_grad = 0;
  const Matrix dy = random_matrix(5, 6, 5);
  EXPECT_TRUE(product.backward(dy, cache, dw, range_grad).isApprox(dy * w));
  EXPECT_TRUE(dw.isApprox(dy.transpose() * x));
}

TEST(HardwareAware, WeightClippingBoundsTheWeights) {
  HardwareAwareConfig c;
  c.clip_sigma = 1.5;
  AnalogProduct product(c, 1);
  Matrix w = random_matrix(40, 50, 6);
  const double mean = w.mean();
  const double std = std::sqrt((w.array() - static_cast<float>(mean)).square().mean());
  ASSERT_GT(w.cwiseAbs().maxCoeff(), 1.5 * std);
  product.clip(w);
  EXPECT_LE(w.cwiseAbs().maxCoeff(), 1.5 * std + 1e-6);
  // And after every update of a trained layer.
  Dense layer("fc", 50, 40, c, 1);
  layer.parameters()[0]->value = 2.0f * random_matrix(40, 50, 7);
  layer.after_update();
  EXPECT_LE(layer.parameters()[0]->value.cwiseAbs().maxCoeff(), 1.5 * 2.0 * 1.05);
}

TEST(HardwareAware, WeightNoiseIsDrawnPerStepWithTheConfiguredSpread) {
  const Matrix w = random_matrix(200, 100, 8);
  const float w_max = w.cwiseAbs().maxCoeff();
  HardwareAwareConfig c;
  c.weight_noise = WeightNoise::additive;
  c.weight_noise_std = 0.05;
  AnalogProduct product(c, 1);
  product.begin(w, 3, true);
  const Matrix step3 = product.weights();
  const double std = std::sqrt((step3 - w).squaredNorm() / static_cast<double>(w.size()));
  EXPECT_NEAR(std, 0.05 * w_max, 0.003 * w_max);
  product.begin(w, 3, true);
  EXPECT_TRUE(product.weights() == step3) << "the same step draws the same noise";
  product.begin(w, 4, true);
  EXPECT_FALSE(product.weights() == step3);
  product.begin(w, 4, false);
  EXPECT_TRUE(product.weights() == w) << "no noise at inference";

  // PCM-like: the spread grows with the conductance |w| / w_max (hw/ PcmLikeDevice's law).
  c.weight_noise = WeightNoise::pcm;
  c.weight_noise_std = 1.0;
  AnalogProduct pcm(c, 1);
  pcm.begin(w, 0, true);
  const Eigen::ArrayXXf dev = (pcm.weights() - w).array();
  const Eigen::ArrayXXf rel = w.array().abs() / w_max;
  double small_sq = 0, large_sq = 0;
  int small_n = 0, large_n = 0;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    if (rel.data()[i] < 0.2f) {
      small_sq += dev.data()[i] * dev.data()[i];
      ++small_n;
    } else if (rel.data()[i] > 0.5f) {
      large_sq += dev.data()[i] * dev.data()[i];
      ++large_n;
    }
  }
  ASSERT_GT(small_n, 100);
  ASSERT_GT(large_n, 100);
  EXPECT_GT(std::sqrt(large_sq / large_n), 1.5 * std::sqrt(small_sq / small_n));
}

TEST(HardwareAware, PcmHermesNoiseFollowsTheChipsDeviceLawPerOutput) {
  Matrix w = random_matrix(200, 100, 8);
  w.row(0) *= 10.0f;  // per-output scales: one large output must not change the others' noise
  HardwareAwareConfig c;
  c.weight_noise = WeightNoise::pcm_hermes;
  c.weight_noise_std = 1.0;
  AnalogProduct product(c, 1);
  product.begin(w, 3, true);
  const Matrix step3 = product.weights();
  product.begin(w, 3, true);
  EXPECT_TRUE(product.weights() == step3) << "the same step draws the same noise";
  product.begin(w, 4, true);
  EXPECT_FALSE(product.weights() == step3);
  product.begin(w, 4, false);
  EXPECT_TRUE(product.weights() == w) << "no noise at inference";

  // Relative to each output's max |w|: a device at g has the HERMES programming noise (about 1 uS of 20.7 near
  // g = 0.5, so ~5 % of the output's max), its partner at 0 a little.
  const hw::Vector scale = w.cwiseAbs().rowwise().maxCoeff();
  const auto relative_std = [&](const Matrix& noisy) {
    double sq = 0;
    for (Eigen::Index r = 1; r < w.rows(); ++r) sq += ((noisy.row(r) - w.row(r)) / scale[r]).squaredNorm();
    return std::sqrt(sq / static_cast<double>((w.rows() - 1) * w.cols()));
  };
  const double programmed = relative_std(step3);
  EXPECT_GT(programmed, 0.02);
  EXPECT_LT(programmed, 0.06);
  EXPECT_NEAR((step3.row(0) - w.row(0)).norm() / scale[0], (step3.row(1) - w.row(1)).norm() / scale[1],
              0.5 * (step3.row(1) - w.row(1)).norm() / scale[1]);

  // With drift and read noise at one year: a larger spread, and the global compensation keeps the mean |w|.
  c.weight_noise_time_s = 365.0 * 86400.0;
  AnalogProduct year(c, 1);
  year.begin(w, 3, true);
  EXPECT_GT(relative_std(year.weights()), 1.5 * programmed);
  EXPECT_NEAR(year.weights().cwiseAbs().sum() / w.cwiseAbs().sum(), 1.0, 0.05);

  // A time needs the HERMES law.
  c.weight_noise = WeightNoise::pcm;
  EXPECT_THROW(c.validate(), ParameterError);
  EXPECT_EQ(parse_weight_noise("pcm-hermes"), WeightNoise::pcm_hermes);
  EXPECT_EQ(weight_noise_name(WeightNoise::pcm_hermes), "pcm-hermes");
}

TEST(Trainer, PcmHermesTrainingIsBitIdenticalForAnyThreadCount) {
  const Dataset train = load_fashion_mnist("train", 300);
  TrainingConfig c = small("mlp");
  c.batch = 100;
  c.hwa.weight_noise = WeightNoise::pcm_hermes;
  c.hwa.weight_noise_std = 1.0;
  c.hwa.weight_noise_time_s = 3600.0;
  c.hwa.output_noise = 0.05;
  const auto one = trained_parameters(c, train);
  c.threads = 2;
  const auto two = trained_parameters(c, train);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(one[i] == two[i]) << "parameter " << i;
}

TEST(HardwareAware, OutputNoiseChangesTheTrainingForwardOnly) {
  HardwareAwareConfig c;
  c.output_noise = 0.1;
  AnalogProduct product(c, 1);
  const Matrix w = random_matrix(50, 30, 9);
  const Matrix x = random_matrix(64, 30, 10);
  product.begin(w, 0, true);
  ProductCache cache;
  const Matrix noisy = product.forward(x, 0, &cache);
  const Matrix clean = x * w.transpose();
  const Matrix unit = (x.cwiseAbs().rowwise().maxCoeff() * w.cwiseAbs().maxCoeff()).replicate(1, 50);
  const double std = std::sqrt((noisy - clean).cwiseQuotient(unit).squaredNorm() / static_cast<double>(clean.size()));
  EXPECT_NEAR(std, 0.1, 0.01);
  EXPECT_TRUE(product.forward(x, 0, &cache) == noisy) << "deterministic";
  EXPECT_FALSE(product.forward(x, 64, &cache) == noisy) << "other vectors, other noise";
  product.begin(w, 0, false);
  EXPECT_TRUE(product.forward(x, 0, nullptr).isApprox(clean));
}

TEST(HardwareAware, LearnedInputRangeClipsAndShrinksOnSmallInputs) {
  HardwareAwareConfig c;
  c.learn_input_range = true;
  c.input_range_init = 1.0;
  c.input_range_init_batches = 0;
  c.input_range_decay = 0.05;
  c.dac_bits = 8;
  AnalogProduct product(c, 1);
  Parameter& range = *product.input_range();
  const Matrix w = random_matrix(10, 20, 11);
  // Inputs well inside the range: nothing clips, the decay pulls the range down.
  const Matrix x = random_matrix(32, 20, 12, 0.05f);
  for (int step = 0; step < 20; ++step) {
    product.begin(w, static_cast<std::uint64_t>(step), true);
    ProductCache cache;
    product.forward(x, 0, &cache);
    Matrix dw = Matrix::Zero(10, 20);
    float clipped_grad = 0;
    product.backward(random_matrix(32, 10, 13), cache, dw, clipped_grad);
    EXPECT_EQ(clipped_grad, 0.0f);
    product.set_range_gradient(clipped_grad, {&cache});
    range.value -= 0.5f * range.grad;
  }
  EXPECT_LT(range.value(0, 0), 0.7f);
  // Inputs beyond the range clip, get no gradient, and push the range up when the loss wants them larger.
  const float r = range.value(0, 0);
  Matrix big = Matrix::Constant(1, 20, 0.0f);
  big(0, 0) = 2.0f * r;
  big(0, 1) = -2.0f * r;
  product.begin(w, 100, true);
  ProductCache cache;
  product.forward(big, 0, &cache);
  EXPECT_FLOAT_EQ(cache.x(0, 0), r);
  EXPECT_FLOAT_EQ(cache.x(0, 1), -r);
  Matrix dw = Matrix::Zero(10, 20);
  float clipped_grad = 0;
  const Matrix dy = Matrix::Ones(1, 10);
  const Matrix wanted = dy * w;  // dL/dx: descent moves x by -wanted
  const Matrix dx = product.backward(dy, cache, dw, clipped_grad);
  EXPECT_EQ(dx(0, 0), 0.0f);
  EXPECT_EQ(dx(0, 1), 0.0f);
  EXPECT_FLOAT_EQ(clipped_grad, std::min(wanted(0, 0), 0.0f) - std::max(wanted(0, 1), 0.0f));
}

TEST(HardwareAware, InputRangeIsInitialisedFromTheFirstBatches) {
  HardwareAwareConfig c;
  c.learn_input_range = true;
  c.input_range_init_batches = 2;
  AnalogProduct product(c, 1);
  const Matrix w = random_matrix(10, 20, 14);
  const Matrix x = random_matrix(64, 20, 15, 0.2f);
  product.begin(w, 0, true);
  ProductCache cache;
  product.forward(x, 0, &cache);
  product.end_forward({&cache});
  EXPECT_NEAR(product.input_range()->value(0, 0), 3.0 * std::sqrt(x.squaredNorm() / x.size()), 1e-4);
}

// ---- export ----

/// A briefly trained model (so that BatchNorm statistics are not the defaults) and test images.
struct Trained {
  std::unique_ptr<Trainer> trainer;
  Dataset test;
};

Trained briefly_trained(const std::string& model) {
  TrainingConfig c = small(model);
  Preprocessing pre;
  if (model == "lstm") pre.layout = Layout::rows;
  Trained t{std::make_unique<Trainer>(c), load_fashion_mnist("test", 200, pre)};
  t.trainer->train(load_fashion_mnist("train", 256, pre));
  return t;
}

TEST(TrainerExport, ReferenceExecutorAgreesWithTheTrainer) {
  for (const std::string model : {"mlp", "cnn", "resnet"}) {
    Trained t = briefly_trained(model);
    const Matrix ours = t.trainer->predict(t.test.samples);
    const Graph g = import_onnx_bytes(export_onnx_bytes(t.trainer->export_graph()), model);
    const Matrix reference = ReferenceExecutor(g).run(t.test.samples);
    ASSERT_EQ(reference.rows(), ours.rows());
    EXPECT_LT((reference - ours).cwiseAbs().maxCoeff(), 1e-4 * (1 + ours.cwiseAbs().maxCoeff())) << model;
  }
}

TEST(TrainerExport, LstmIsOneOnnxLstmNodeInOnnxGateOrder) {
  Trained t = briefly_trained("lstm");
  const Graph g = t.trainer->export_graph();
  ASSERT_GE(g.opset, 14);
  EXPECT_EQ(g.tensor("x").shape, (std::vector<std::int64_t>{-1, 28, 28}));
  const Node& lstm = g.nodes.front();
  ASSERT_EQ(lstm.op, "LSTM");
  EXPECT_EQ(lstm.attributes.at("hidden_size").i, 128);
  EXPECT_EQ(lstm.attributes.at("layout").i, 1);
  EXPECT_EQ(lstm.attributes.at("direction").s, "forward");
  EXPECT_EQ(lstm.outputs, (std::vector<std::string>{"", "lstm_h"}));
  EXPECT_EQ(g.tensor(lstm.inputs[1]).shape, (std::vector<std::int64_t>{1, 512, 28}));
  EXPECT_EQ(g.tensor(lstm.inputs[2]).shape, (std::vector<std::int64_t>{1, 512, 128}));
  EXPECT_EQ(g.tensor(lstm.inputs[3]).shape, (std::vector<std::int64_t>{1, 1024}));
  // The forget gate (ours second, ONNX's third) keeps its bias of about 1.
  const auto& b = g.tensor(lstm.inputs[3]).data;
  double forget = 0, output = 0;
  for (int i = 0; i < 128; ++i) {
    forget += b[static_cast<std::size_t>(256 + i)];
    output += b[static_cast<std::size_t>(128 + i)];
  }
  EXPECT_GT(forget / 128, 0.8);
  EXPECT_LT(std::abs(output / 128), 0.2);
  // Importing the exported weights into a fresh network gives the same outputs.
  TrainingConfig c = small("lstm");
  Trainer fresh(c);
  fresh.network().import_from(import_onnx_bytes(export_onnx_bytes(g), "lstm"));
  const Matrix ours = t.trainer->predict(t.test.samples);
  EXPECT_TRUE(fresh.predict(t.test.samples) == ours);
  // And the reference executor runs the exported node as the trainer does.
  const Matrix reference = ReferenceExecutor(import_onnx_bytes(export_onnx_bytes(g), "lstm")).run(t.test.samples);
  EXPECT_LT((reference - ours).cwiseAbs().maxCoeff(), 1e-4 * (1 + ours.cwiseAbs().maxCoeff()));
}

TEST(TrainerExport, InitialWeightsComeFromAnOnnxFile) {
  Trained t = briefly_trained("resnet");
  const std::string path = ::testing::TempDir() + "/trainer_init_resnet.onnx";
  export_onnx(t.trainer->export_graph(), path);
  TrainingConfig c = small("resnet");
  c.init = path;
  Trainer fresh(c);
  EXPECT_TRUE(fresh.predict(t.test.samples).isApprox(t.trainer->predict(t.test.samples), 1e-6f));
}

}  // namespace
}  // namespace imcsim::workloads::training
