// The character-level language model (issue 18): text sequences as one-hot minibatches with per-step targets, the
// per-step loss and its bits per character, the char-lstm (two stacked LSTMs, a per-step dense layer) exported
// to ONNX that the reference executor runs as the trainer does, and learning a periodic text digitally and on
// pulsed arrays, bit-identically for any thread count.

#include <gtest/gtest.h>

#include <cmath>

#include "base/errors.h"
#include "workloads/onnx_export.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/text_corpus.h"
#include "workloads/training/pulsed_trainer.h"
#include "workloads/training/trainer.h"
#include "workloads/training/training_set.h"

namespace imcsim::workloads::training {
namespace {

/// A text of `n` symbols repeating a pattern of `period` symbols (symbols 33, 34, ...).
std::vector<std::uint8_t> periodic_text(int n, int period) {
  std::vector<std::uint8_t> s(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) s[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(33 + i % period);
  return s;
}

TEST(TextSet, MinibatchesAreOneHotSequencesWithTheirNextSymbolsAsTargets) {
  const std::vector<std::uint8_t> text = periodic_text(95, 7);
  const TextSet set(text, 10);
  ASSERT_EQ(set.size(), 9);  // floor((95 - 1) / 10)
  ASSERT_EQ(set.features(), 10 * text_symbols);
  ChunkPool pool(1);
  const std::vector<int> order{4, 0, 8};
  const Minibatch b = set.minibatch(order, 1, 2, pool, 0);  // sequences 0 and 8
  ASSERT_EQ(b.x.size(), 1u);
  ASSERT_EQ(b.x[0].rows(), 2);
  for (int r = 0; r < 2; ++r) {
    const int sequence = order[static_cast<std::size_t>(1 + r)];
    for (int t = 0; t < 10; ++t) {
      const auto one_hot = b.x[0].row(r).segment(t * text_symbols, text_symbols);
      EXPECT_EQ(one_hot.sum(), 1.0f);
      EXPECT_EQ(one_hot(text[static_cast<std::size_t>(sequence * 10 + t)]), 1.0f);
      EXPECT_EQ(b.labels[0][static_cast<std::size_t>(r * 10 + t)],
                text[static_cast<std::size_t>(sequence * 10 + t + 1)]);
    }
  }
  EXPECT_EQ(TextSet(text, 10, 4).size(), 4);
  EXPECT_THROW(TextSet(text, 95), ParameterError);
}

TEST(TextSet, PerStepLossSumsTheStepsAndScoresBitsPerCharacter) {
  const std::vector<std::uint8_t> text = periodic_text(41, 5);
  const TextSet set(text, 4);  // 10 sequences
  ChunkPool pool(1);
  std::vector<int> order(10);
  for (int i = 0; i < 10; ++i) order[static_cast<std::size_t>(i)] = i;
  Minibatch b = set.minibatch(order, 0, 3, pool, 0);
  // Uniform logits: every target costs ln 98, and each step's gradient is softmax minus one-hot over the batch.
  b.x[0].setZero();
  const LossSum sum = set.loss(b);
  EXPECT_EQ(sum.targets, 12);
  EXPECT_NEAR(sum.loss, 12 * std::log(98.0), 1e-4);
  const int label = b.labels[0][5];  // sample 1, step 1
  EXPECT_NEAR(b.x[0](1, text_symbols + label), (1.0 / 98 - 1) / 3, 1e-6);
  EXPECT_NEAR(b.x[0](1, text_symbols + (label + 1) % text_symbols), 1.0 / 98 / 3, 1e-6);
  EXPECT_NEAR(set.score(Matrix::Zero(10, 4 * text_symbols)), std::log2(98.0), 1e-6);
  // Logits that put all weight on the next symbol score near 0 bits.
  Matrix sure = Matrix::Constant(10, 4 * text_symbols, -30.0f);
  for (int s = 0; s < 10; ++s)
    for (int t = 0; t < 4; ++t) sure(s, t * text_symbols + text[static_cast<std::size_t>(s * 4 + t + 1)]) = 30.0f;
  EXPECT_LT(set.score(sure), 1e-6);
  EXPECT_THROW(static_cast<void>(set.score(Matrix::Zero(9, 4 * text_symbols))), Error);
}

TrainingConfig digital_char_lstm() {
  TrainingConfig c;
  c.model = "char-lstm";
  c.epochs = 1;
  c.batch = 4;
  c.threads = 1;
  c.optimizer.kind = "adam";
  c.optimizer.learning_rate = 0.01;
  c.schedule = "constant";
  return c;
}

TEST(CharLstm, ExportsTwoOnnxLstmsAndAPerStepMatMulThatTheExecutorRunsAsTheTrainer) {
  const std::vector<std::uint8_t> text = periodic_text(3 * text_sequence_length + 1, 7);
  const TextSet set(text, text_sequence_length);
  Trainer trainer(digital_char_lstm());
  trainer.train(set);
  const Graph g = trainer.export_graph();
  EXPECT_EQ(g.tensor("x").shape, (std::vector<std::int64_t>{-1, text_sequence_length, text_symbols}));
  std::vector<std::string> ops;
  for (const Node& n : g.nodes) ops.push_back(n.op);
  EXPECT_EQ(ops, (std::vector<std::string>{"LSTM", "Flatten", "Reshape", "LSTM", "Flatten", "Reshape", "MatMul", "Add",
                                           "Flatten"}));
  EXPECT_EQ(g.tensor("fc.weight").shape, (std::vector<std::int64_t>{char_lstm_hidden, text_symbols}));
  const Matrix inputs = set.inputs();
  const Matrix ours = trainer.predict(inputs);
  const Matrix reference = ReferenceExecutor(import_onnx_bytes(export_onnx_bytes(g), "char-lstm")).run(inputs);
  ASSERT_EQ(reference.rows(), 3);
  ASSERT_EQ(reference.cols(), text_sequence_length * text_symbols);
  EXPECT_LT((reference - ours).cwiseAbs().maxCoeff(), 1e-4 * (1 + ours.cwiseAbs().maxCoeff()));
  // The written weights start another run where this one ended.
  const std::string file = ::testing::TempDir() + "imcsim_char_lstm_init.onnx";
  export_onnx(g, file);
  TrainingConfig again = digital_char_lstm();
  again.init = file;
  Trainer resumed(again);
  EXPECT_EQ(resumed.predict(inputs), ours);
}

TEST(CharLstm, LearnsAPeriodicTextDigitally) {
  const std::vector<std::uint8_t> text = periodic_text(16 * text_sequence_length + 1, 7);
  const TextSet set(text, text_sequence_length);
  TrainingConfig c = digital_char_lstm();
  c.epochs = 20;
  Trainer trainer(c);
  const double before = set.score(trainer.predict(set.inputs()));
  trainer.train(set);
  const double after = set.score(trainer.predict(set.inputs()));
  EXPECT_NEAR(before, std::log2(98.0), 0.5);
  EXPECT_LT(after, 1.0) << "from " << before;
}

PulsedTrainingConfig pulsed_char_lstm(int threads) {
  PulsedTrainingConfig c;
  c.model = "char-lstm";
  c.epochs = 1;
  c.batch = 4;
  c.learning_rate = 0.1;
  c.threads = threads;
  c.device = hw::aihwkit_soft_bounds();
  c.layers.update.pulse_length = 31;
  c.layers.update.update_management = true;
  c.layers.update.bl_management = true;
  return c;
}

TEST(CharLstm, LearnsOnPulsedArraysBitIdenticallyForAnyThreadCount) {
  const std::vector<std::uint8_t> text = periodic_text(12 * text_sequence_length + 1, 7);
  const TextSet train(text, text_sequence_length);
  const TextSet test(text, text_sequence_length, 4);
  PulsedTrainer one(pulsed_char_lstm(1)), two(pulsed_char_lstm(2));
  one.train(train, test);
  two.train(train, test);
  ASSERT_EQ(one.learning_curve().size(), 1u);
  EXPECT_EQ(one.learning_curve()[0].test_score, two.learning_curve()[0].test_score);
  EXPECT_EQ(one.learning_curve()[0].loss, two.learning_curve()[0].loss);
  EXPECT_LT(one.learning_curve()[0].test_score, std::log2(98.0) - 1.0);
  // The per-step dense layer's updates are one rank-1 term per sequence step; the LSTMs' one per time step too.
  for (const PulsedLayer* l : one.pulsed_layers())
    EXPECT_EQ(l->matrix().sample_updates(), std::uint64_t{12} * text_sequence_length) << l->name();
}

TEST(CharLstm, ImagesAndTextAreNotMixedUp) {
  const std::vector<std::uint8_t> text = periodic_text(2 * text_sequence_length + 1, 7);
  Trainer images(TrainingConfig{});  // the cnn
  EXPECT_THROW(images.train(TextSet(text, text_sequence_length)), ParameterError);
  const Dataset fashion = load_fashion_mnist("test", 8);
  Trainer text_model(digital_char_lstm());
  EXPECT_THROW(text_model.train(ImageSet(fashion)), ParameterError);
}

}  // namespace
}  // namespace imcsim::workloads::training
