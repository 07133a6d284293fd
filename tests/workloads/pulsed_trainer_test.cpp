// Training on pulsed arrays (workloads/training/pulsed_dense.h, pulsed_trainer.h): with ideal periphery a tiled
// layer's forward and transposed reads are the FP32 products of its effective weights s (w - r); one update moves
// the effective weights by -lr x^T d in expectation; training is bit-identical for any thread count, a resumed
// run equals one that never stopped, a checkpoint of another configuration is refused, and the MLP learns.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "base/errors.h"
#include "base/random.h"
#include "workloads/dataset.h"
#include "workloads/reference_executor.h"
#include "workloads/training/pulsed_dense.h"
#include "workloads/training/pulsed_lstm.h"
#include "workloads/training/pulsed_trainer.h"

namespace imcsim::workloads::training {
namespace {

/// Periphery without quantisation or noise, 64 x 32 tiles.
hw::CrossbarConfig ideal_periphery() {
  hw::CrossbarConfig c;
  c.rows = 64;
  c.cols = 32;
  c.dac.quantise = false;
  c.adc.quantise = false;
  c.adc.calibrate = false;
  return c;
}

/// A symmetric constant-step device without variation, bounds +-1.
hw::PulsedDeviceConfig ideal_device() {
  hw::PulsedDeviceConfig d;
  d.model = "constant-step";
  d.dw_min = 0.001f;
  d.w_max = 1.0f;
  d.w_min = -1.0f;
  return d;
}

Matrix random_matrix(int rows, int cols, std::uint32_t id, float scale = 1.0f) {
  Matrix m(rows, cols);
  RandomStream({7, RandomPurpose::user, id, 0}).normal(m.data(), static_cast<std::size_t>(m.size()));
  return m * scale;
}

/// A pass over one chunk of `rows` samples.
Pass one_chunk_pass(ChunkPool& pool, int rows, bool training) {
  Pass p;
  p.pool = &pool;
  p.training = training;
  p.batch = rows;
  p.first = {0};
  return p;
}

struct Layer {
  std::unique_ptr<hw::PulsedDeviceModel> device = hw::make_pulsed_device(ideal_device());
  ChunkPool pool{1};
  PulsedLayerConfig config;
  std::unique_ptr<PulsedDense> dense;
  explicit Layer(int in, int out, float scale = 1.0f) {
    config.crossbar = ideal_periphery();
    config.weight_scale = scale;
    dense = std::make_unique<PulsedDense>("fc", in, out, config, *device, 1);
  }
  Pass pass(int rows, bool training) { return one_chunk_pass(pool, rows, training); }
};

TEST(PulsedDense, TiledReadsAreTheProductsOfTheEffectiveWeights) {
  for (const float scale : {1.0f, 0.25f}) {
    Layer l(150, 70, scale);  // as the chip's compiler cuts it: 3 x 3 tiles of 50 x 24, the last column's 22 wide
    ASSERT_EQ(l.dense->tiles(), 9);
    const auto state = l.dense->matrix().device_state();
    EXPECT_EQ(state.front()->rows(), 50);
    EXPECT_EQ(state.front()->cols(), 24);
    EXPECT_EQ(state.back()->cols(), 22);
    const Matrix w = l.dense->matrix().effective_weights();
    const Matrix x = random_matrix(5, 150, 1);
    std::vector<Matrix> chunks{x};
    l.dense->forward(chunks, l.pass(5, true));
    const Matrix expected = x * w.transpose();
    EXPECT_LT((chunks[0] - expected).cwiseAbs().maxCoeff(), 1e-4f * expected.cwiseAbs().maxCoeff()) << scale;
    const Matrix d = random_matrix(5, 70, 2, 1e-3f);
    std::vector<Matrix> grads{d};
    l.dense->backward(grads, l.pass(5, true));
    const Matrix dx = d * w;
    EXPECT_LT((grads[0] - dx).cwiseAbs().maxCoeff(), 1e-4f * dx.cwiseAbs().maxCoeff()) << scale;
  }
}

TEST(PulsedDense, AnUpdateMovesTheEffectiveWeightsByMinusLrXdInExpectation) {
  Layer l(100, 40, 0.5f);
  const Matrix before = l.dense->matrix().effective_weights();
  const Matrix x = random_matrix(20, 100, 3).cwiseAbs();
  const Matrix d = random_matrix(20, 40, 4, 0.05f);
  std::vector<Matrix> chunks{x};
  l.dense->forward(chunks, l.pass(20, true));
  std::vector<Matrix> grads{d};
  l.dense->backward(grads, l.pass(20, true));
  const float lr = 0.01f;
  for (int t = 0; t < l.dense->tiles(); ++t) l.dense->update_tile(t, lr, 0);
  l.dense->refresh_reads();
  const Matrix change = l.dense->matrix().effective_weights() - before;  // out x in
  const Matrix expected = -lr * (d.transpose() * x);
  // Stochastic pulses: the change follows the expectation closely in aggregate.
  const double correlation = (change.array() * expected.array()).sum() /
                             std::sqrt((change.array().square().sum()) * (expected.array().square().sum()));
  EXPECT_GT(correlation, 0.7);  // 0.82 measured: each device sees a few pulses
  EXPECT_NEAR(change.sum() / expected.sum(), 1.0, 0.1);
  std::uint64_t coincidences = 0;
  for (const auto& c : l.dense->matrix().update_counts()) coincidences += c.coincidences;
  EXPECT_GT(coincidences, 0u);
}

/// A pulsed LSTM (5 steps of 6 inputs, 20 hidden: a 26 x 80 matrix on 1 x 3 tiles of the ideal periphery) and the
/// digital Lstm with the same initial weights, on ideal hardware.
struct LstmPair {
  static constexpr int steps = 5, inputs = 6, hidden = 20, rows = 4;
  std::unique_ptr<hw::PulsedDeviceModel> device = hw::make_pulsed_device(ideal_device());
  ChunkPool pool{1};
  PulsedLayerConfig config;
  std::unique_ptr<PulsedLstm> pulsed;
  std::unique_ptr<Lstm> digital;
  explicit LstmPair(bool sequence = false) {
    config.crossbar = ideal_periphery();
    pulsed = std::make_unique<PulsedLstm>("lstm", steps, inputs, hidden, config, *device, 2, sequence);
    HardwareAwareConfig hwa;
    hwa.seed = config.seed;
    digital = std::make_unique<Lstm>("lstm", steps, inputs, hidden, hwa, 2, sequence);
  }
  Pass pass() { return one_chunk_pass(pool, rows, true); }
};

double relative_error(const Matrix& a, const Matrix& b) { return (a - b).norm() / b.norm(); }

TEST(PulsedLstm, ReadsAndBackPropagationThroughTimeAreTheDigitalLstmsOnIdealHardware) {
  for (const bool sequence : {false, true}) {
    LstmPair l(sequence);
    ASSERT_EQ(l.pulsed->tiles(), 3);
    const Matrix x = random_matrix(LstmPair::rows, LstmPair::steps * LstmPair::inputs, 5);
    std::vector<Matrix> a{x}, b{x};
    l.pulsed->forward(a, l.pass());
    l.digital->forward(b, l.pass());
    ASSERT_EQ(a[0].cols(), l.pulsed->output_shape().size());
    EXPECT_LT(relative_error(a[0], b[0]), 1e-5) << sequence;
    const Matrix dh = random_matrix(LstmPair::rows, l.pulsed->output_shape().size(), 6);
    std::vector<Matrix> da{dh}, db{dh};
    l.pulsed->backward(da, l.pass());
    l.digital->backward(db, l.pass());
    EXPECT_LT(relative_error(da[0], db[0]), 1e-5) << sequence;  // dx of every step, through the transposed reads
    EXPECT_LT(relative_error(l.pulsed->parameters()[0]->grad, l.digital->parameters()[1]->grad), 1e-5)  // bias
        << sequence;
  }
}

TEST(PulsedLstm, AnUpdateMovesTheWeightsByMinusLrTimesTheBpttGradientInExpectation) {
  LstmPair l;
  const Matrix before = l.pulsed->matrix().effective_weights();
  const Matrix x = random_matrix(LstmPair::rows, LstmPair::steps * LstmPair::inputs, 7);
  std::vector<Matrix> a{x}, b{x};
  l.pulsed->forward(a, l.pass());
  l.digital->forward(b, l.pass());
  const Matrix dh = random_matrix(LstmPair::rows, LstmPair::hidden, 8, 2.0f);
  std::vector<Matrix> da{dh}, db{dh};
  l.pulsed->backward(da, l.pass());
  l.digital->backward(db, l.pass());
  const float lr = 0.05f;
  for (int t = 0; t < l.pulsed->tiles(); ++t) l.pulsed->update_tile(t, lr, 0);
  l.pulsed->refresh_reads();
  const Matrix change = l.pulsed->matrix().effective_weights() - before;  // 4H x (I + H)
  const Matrix expected = -lr * l.digital->parameters()[0]->grad;         // the sum over steps of u_t dz_t^T
  const double correlation = (change.array() * expected.array()).sum() /
                             std::sqrt((change.array().square().sum()) * (expected.array().square().sum()));
  EXPECT_GT(correlation, 0.7);
  EXPECT_NEAR(change.cwiseAbs().sum() / expected.cwiseAbs().sum(), 1.0, 0.2);
  // One sample update per step and sample.
  EXPECT_EQ(l.pulsed->matrix().sample_updates(), static_cast<std::uint64_t>(LstmPair::steps * LstmPair::rows));
}

PulsedTrainingConfig small_training() {
  PulsedTrainingConfig c;
  c.model = "mlp";
  c.epochs = 1;
  c.batch = 10;
  c.learning_rate = 0.05;
  c.threads = 1;
  c.device = hw::aihwkit_soft_bounds();
  c.device.up_down_dtod = 0.0f;
  c.layers.crossbar.rows = 256;
  c.layers.crossbar.cols = 256;
  c.layers.crossbar.adc.output_range = 12.0f;
  c.layers.crossbar.adc.noise_std_lsb = 0.5f;
  c.layers.crossbar.output_noise_std = 0.04f;
  c.layers.update.pulse_length = 10;
  c.layers.update.update_management = true;
  return c;
}

std::string scratch(const std::string& name) {
  return ::testing::TempDir() + "imcsim_pulsed_" + name + "_" + std::to_string(getpid());
}

TEST(PulsedTrainer, IsBitIdenticalForAnyThreadCount) {
  const Dataset train = load_fashion_mnist("train", 200);
  const Dataset test = load_fashion_mnist("test", 100);
  for (const std::string model : {"mlp", "lstm"}) {
    PulsedTrainingConfig c = small_training();
    c.model = model;
    PulsedTrainer one(c);
    one.train(train, test);
    c.threads = 2;
    PulsedTrainer two(c);
    two.train(train, test);
    for (std::size_t k = 0; k < one.pulsed_layers().size(); ++k) {
      EXPECT_TRUE(one.pulsed_layers()[k]->matrix().effective_weights() ==
                  two.pulsed_layers()[k]->matrix().effective_weights())
          << model << " layer " << k;
    }
    EXPECT_EQ(one.learning_curve()[0].test_score, two.learning_curve()[0].test_score) << model;
  }
}

TEST(PulsedTrainer, AResumedRunEqualsOneThatNeverStopped) {
  const Dataset train = load_fashion_mnist("train", 200);
  const Dataset test = load_fashion_mnist("test", 100);
  PulsedTrainingConfig c = small_training();
  c.epochs = 2;
  PulsedTrainer straight(c);
  straight.train(train, test);

  const std::string file = scratch("resume");
  std::filesystem::remove(file);
  c.epochs = 1;
  PulsedTrainer first(c);
  first.train(train, test, file);
  ASSERT_TRUE(std::filesystem::exists(file));
  c.epochs = 2;
  PulsedTrainer resumed(c);
  resumed.resume(file);
  EXPECT_EQ(resumed.epochs_done(), 1);
  resumed.train(train, test, file);
  for (std::size_t k = 0; k < straight.pulsed_layers().size(); ++k) {
    EXPECT_TRUE(straight.pulsed_layers()[k]->matrix().effective_weights() ==
                resumed.pulsed_layers()[k]->matrix().effective_weights())
        << k;
  }
  ASSERT_EQ(resumed.learning_curve().size(), 2u);
  EXPECT_EQ(straight.learning_curve()[1].test_score, resumed.learning_curve()[1].test_score);
  EXPECT_EQ(straight.learning_curve()[1].loss, resumed.learning_curve()[1].loss);

  // Another configuration refuses the file, naming it and the fingerprint.
  c.device.up_down = 0.2f;
  PulsedTrainer other(c);
  try {
    other.resume(file);
    FAIL() << "resumed from another configuration's checkpoint";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fingerprint"), std::string::npos) << e.what();
  }
  // A truncated file is refused too.
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
  PulsedTrainer again(c);
  EXPECT_THROW(again.resume(file), InputError);
  std::filesystem::remove(file);
}

TEST(PulsedTrainer, TheMlpLearnsOnSoftBoundsDevicesAndExportsItsEffectiveWeights) {
  const Dataset train = load_fashion_mnist("train", 3000);
  const Dataset test = load_fashion_mnist("test", 500);
  PulsedTrainer trainer(small_training());
  trainer.train(train, test);
  EXPECT_GT(trainer.learning_curve()[0].test_score, 0.6);
  const ReferenceExecutor exec(trainer.export_graph());
  const Matrix fp32 = exec.run(test.samples, 1);
  // The arrays' noisy reads and the FP32 product of their effective weights mostly agree.
  EXPECT_GT(top1(fp32, test.labels), 0.6);
  EXPECT_NEAR(top1(fp32, test.labels), trainer.learning_curve()[0].test_score, 0.05);
}

TEST(PulsedTrainer, RejectsModelsThatDoNotTrainOnPulsedArrays) {
  PulsedTrainingConfig c = small_training();
  c.model = "cnn";
  try {
    PulsedTrainer t(c);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_NE(std::string(e.what()).find("train.model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace imcsim::workloads::training
