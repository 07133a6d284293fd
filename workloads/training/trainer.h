#pragma once
// The layer-based trainer: builds a zoo model (mlp | cnn | resnet | lstm), trains it on a data set with
// minibatch SGD or Adam, optionally hardware-aware (hardware_aware.h), and exports it as an IR graph.
//
// Deterministic: one seed drives the initialisation, the shuffling and every noise draw; a minibatch is cut into
// chunks of chunk_samples samples whose gradients are reduced in a fixed order and the GEMM backend runs
// single-threaded, so the trained model is bit-identical for any thread count.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/graph.h"
#include "workloads/training/hardware_aware.h"
#include "workloads/training/layers.h"
#include "workloads/training/optimizer.h"
#include "workloads/training/training_set.h"

namespace imcsim::workloads::training {

struct TrainingConfig {
  std::string model = "cnn";  ///< model_kinds()
  int epochs = 10;
  int batch = 128;
  OptimizerConfig optimizer;
  std::string schedule = "cosine";  ///< constant | cosine (decay to 0 over all steps)
  std::uint64_t seed = 1;
  int threads = 2;
  HardwareAwareConfig hwa;  ///< its seed is set from `seed`
  std::string init;         ///< ONNX file whose initializers set the initial weights ("" : random)
  double dropout = 0.0;     ///< build_network's dropout probability (mlp, lstm), [0, 1)

  /// Throws ParameterError naming the field.
  void validate() const;
};

/// Where training is, after every minibatch.
struct Progress {
  int epoch = 0, epochs = 0;
  int batch = 0, batches = 0;
  double loss = 0;      ///< mean cross-entropy per target (image or character) of this epoch's minibatches so far
  double accuracy = 0;  ///< training accuracy per target of this epoch so far (with the hardware-aware forward)
  double seconds = 0;   ///< since training started
};

/// mlp, cnn, resnet, lstm, char-lstm.
std::vector<std::string> model_kinds();
/// Whether the zoo model `model` reads text (a TextSet) rather than images.
bool is_text_model(const std::string& model);
constexpr int char_lstm_hidden = 64;

/// The float initializers of an ONNX file as they are stored. Not import_onnx: the import folds BatchNorm into
/// the preceding Conv or Gemm, and a trainer needs the tensors it wrote back unchanged. Throws InputError naming
/// the file.
Graph onnx_initializers(const std::string& path);
std::vector<std::string> schedule_kinds();

/// Make layers in place of the zoo's hardware-aware ones (`id` numbers their random streams): the fully connected
/// layer `name` (in -> out), and the LSTM `name` (steps x inputs -> hidden; with `sequence` every step's hidden state).
using DenseFactory = std::function<LayerPtr(const std::string& name, int in, int out, std::uint32_t id)>;
using LstmFactory = std::function<LayerPtr(const std::string& name, int steps, int inputs, int hidden, bool sequence,
                                           std::uint32_t id)>;
struct LayerFactories {
  DenseFactory dense;  ///< unset: Dense
  LstmFactory lstm;    ///< unset: Lstm
};

/// Dropout in a zoo network: probability p after every hidden layer's activation (mlp: both ReLUs; lstm: its last
/// hidden state; char-lstm: each LSTM's hidden states), masks keyed by seed.
struct DropoutConfig {
  double p = 0.0;  ///< 0: none; [0, 1)
  std::uint64_t seed = 1;
};

/// The zoo architecture `model`: mlp, cnn, resnet and lstm for 28 x 28 single-channel images and 10 classes;
/// char-lstm, the character-level language model (a TextSet's one-hot sequences of text_sequence_length steps ->
/// two stacked LSTMs of char_lstm_hidden units -> a per-step dense layer to text_symbols logits). Its fully
/// connected and LSTM layers are made by `factories` where set. Throws ParameterError("train.dropout") for dropout
/// on cnn or resnet.
std::unique_ptr<Network> build_network(const std::string& model, const HardwareAwareConfig& hwa,
                                       const LayerFactories& factories = {}, const DropoutConfig& dropout = {});

class Trainer {
 public:
  /// Builds the model (and loads `config.init` when set).
  explicit Trainer(TrainingConfig config);
  ~Trainer();

  /// Trains config.epochs epochs on `data`, which must be what the model reads (images or text).
  void train(const TrainingSet& data, const std::function<void(const Progress&)>& progress = {});
  /// Trains on images (flattened samples of 784 values).
  void train(const Dataset& data, const std::function<void(const Progress&)>& progress = {});
  /// FP32 inference (running statistics, no noise or quantisation): logits for every sample.
  Matrix predict(const Matrix& samples);
  Graph export_graph() const { return m_network->export_graph(); }
  Network& network() { return *m_network; }
  const TrainingConfig& config() const { return m_config; }

 private:
  TrainingConfig m_config;
  std::unique_ptr<Network> m_network;
  std::unique_ptr<ChunkPool> m_pool;
};

}  // namespace imcsim::workloads::training
