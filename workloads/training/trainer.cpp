#include "workloads/training/trainer.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>

#include "base/check.h"
#include "base/random.h"
#include "base/text.h"
#include "hw/gemm_backend.h"
#include "workloads/text_corpus.h"
#include "workloads/training/minibatch.h"
#include "workloads/training/per_step.h"

namespace imcsim::workloads::training {

namespace {

constexpr int image = 28;
constexpr int classes = 10;

/// Numbers the analog layers of a network (their random streams) and builds layers with the shared options.
struct Builder {
  const HardwareAwareConfig& hwa;
  const LayerFactories& factories;
  const DropoutConfig& dropout_config;
  std::uint32_t next_id = 1;
  std::uint32_t next_dropout_id = 1000;  ///< apart from next_id: dropout leaves the other layers' streams alone

  /// Adds a Dropout after the last layer of `net`, if dropout is on.
  void dropout(Network& net, const std::string& name) {
    if (dropout_config.p > 0) {
      net.add(
          std::make_unique<Dropout>(name, net.next_input(), dropout_config.p, dropout_config.seed, next_dropout_id++));
    }
  }

  LayerPtr dense(const std::string& name, int in, int out) {
    if (factories.dense) return factories.dense(name, in, out, next_id++);
    return std::make_unique<Dense>(name, in, out, hwa, next_id++);
  }
  LayerPtr lstm(const std::string& name, int steps, int inputs, int hidden, bool sequence = false) {
    if (factories.lstm) return factories.lstm(name, steps, inputs, hidden, sequence, next_id++);
    return std::make_unique<Lstm>(name, steps, inputs, hidden, hwa, next_id++, sequence);
  }
  LayerPtr conv(const std::string& name, Shape in, int out, int k, int stride, int pad, bool bias) {
    return std::make_unique<Conv2d>(name, in, out, k, stride, pad, bias, hwa, next_id++);
  }
};

void add(Network& net, LayerPtr layer) { net.add(std::move(layer)); }

std::unique_ptr<Network> mlp(Builder& b) {
  auto net = std::make_unique<Network>("mlp", Shape{1, image, image}, std::vector<std::int64_t>{1, image, image});
  add(*net, std::make_unique<Flatten>("flatten", net->next_input()));
  const std::vector<int> widths{image * image, 256, 128, classes};
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const std::string n = std::to_string(l + 1);
    add(*net, b.dense("fc" + n, widths[l], widths[l + 1]));
    if (l + 2 < widths.size()) {
      add(*net, std::make_unique<Relu>("relu" + n, net->next_input()));
      b.dropout(*net, "dropout" + n);
    }
  }
  return net;
}

std::unique_ptr<Network> cnn(Builder& b) {
  auto net = std::make_unique<Network>("cnn", Shape{1, image, image}, std::vector<std::int64_t>{1, image, image});
  add(*net, b.conv("conv1", net->next_input(), 16, 5, 1, 2, true));
  add(*net, std::make_unique<Relu>("relu1", net->next_input()));
  add(*net, std::make_unique<MaxPool2d>("pool1", net->next_input(), 2, 2));
  add(*net, b.conv("conv2", net->next_input(), 32, 5, 1, 2, true));
  add(*net, std::make_unique<Relu>("relu2", net->next_input()));
  add(*net, std::make_unique<MaxPool2d>("pool2", net->next_input(), 2, 2));
  add(*net, std::make_unique<Flatten>("flatten", net->next_input()));
  add(*net, b.dense("fc1", net->next_input().size(), 128));
  add(*net, std::make_unique<Relu>("relu3", net->next_input()));
  add(*net, b.dense("fc2", 128, classes));
  return net;
}

/// conv3x3-BN-ReLU-conv3x3-BN plus the identity or a 1x1 projection with BN, then ReLU.
void residual_block(Network& net, Builder& b, const std::string& name, int channels, int stride) {
  const Shape in = net.next_input();
  std::vector<LayerPtr> body, shortcut;
  body.push_back(b.conv(name + ".conv1", in, channels, 3, stride, 1, false));
  body.push_back(std::make_unique<BatchNorm>(name + ".bn1", body.back()->output_shape()));
  body.push_back(std::make_unique<Relu>(name + ".relu1", body.back()->output_shape()));
  body.push_back(b.conv(name + ".conv2", body.back()->output_shape(), channels, 3, 1, 1, false));
  body.push_back(std::make_unique<BatchNorm>(name + ".bn2", body.back()->output_shape()));
  if (stride != 1 || in.c != channels) {
    shortcut.push_back(b.conv(name + ".proj", in, channels, 1, stride, 0, false));
    shortcut.push_back(std::make_unique<BatchNorm>(name + ".proj_bn", shortcut.back()->output_shape()));
  }
  add(net, std::make_unique<Residual>(name + ".add", in, std::move(body), std::move(shortcut)));
  add(net, std::make_unique<Relu>(name + ".relu", net.next_input()));
}

std::unique_ptr<Network> resnet(Builder& b) {
  constexpr int width = 24, wide = 64;  // channels at 14 x 14 and at 7 x 7
  auto net = std::make_unique<Network>("resnet", Shape{1, image, image}, std::vector<std::int64_t>{1, image, image});
  add(*net, b.conv("stem.conv", net->next_input(), width, 3, 1, 1, false));
  add(*net, std::make_unique<BatchNorm>("stem.bn", net->next_input()));
  add(*net, std::make_unique<Relu>("stem.relu", net->next_input()));
  add(*net, std::make_unique<MaxPool2d>("stem.pool", net->next_input(), 2, 2));
  residual_block(*net, b, "block1", width, 1);
  residual_block(*net, b, "block2", wide, 2);
  add(*net, std::make_unique<GlobalAveragePool>("gap", net->next_input()));
  add(*net, std::make_unique<Flatten>("flatten", net->next_input()));
  add(*net, b.dense("fc", wide, classes));
  return net;
}

std::unique_ptr<Network> lstm(Builder& b) {
  constexpr int hidden = 128;
  auto net = std::make_unique<Network>("lstm", Shape{1, 1, image * image}, std::vector<std::int64_t>{image, image});
  add(*net, b.lstm("lstm", image, image, hidden));
  b.dropout(*net, "dropout");
  add(*net, b.dense("fc", hidden, classes));
  return net;
}

/// One-hot symbols -> LSTM -> LSTM -> per-step dense (the LSTM2-64 language model of arXiv:1806.00166).
std::unique_ptr<Network> char_lstm(Builder& b) {
  constexpr int steps = text_sequence_length, symbols = text_symbols, hidden = char_lstm_hidden;
  auto net =
      std::make_unique<Network>("char-lstm", Shape{1, 1, steps * symbols}, std::vector<std::int64_t>{steps, symbols});
  add(*net, b.lstm("lstm1", steps, symbols, hidden, true));
  b.dropout(*net, "dropout1");
  add(*net, b.lstm("lstm2", steps, hidden, hidden, true));
  b.dropout(*net, "dropout2");
  add(*net, std::make_unique<PerStep>("fc", steps, b.dense("fc", hidden, symbols)));
  return net;
}

}  // namespace

Graph onnx_initializers(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in)) throw InputError(path, 0, 0, "model", "cannot read it as an ONNX model");
  Graph g;
  g.name = path;
  for (const auto& t : model.graph().initializer()) {
    if (t.data_type() != onnx::TensorProto::FLOAT) continue;
    Tensor out;
    out.name = t.name();
    out.constant = true;
    std::int64_t n = 1;
    for (const auto d : t.dims()) {
      out.shape.push_back(d);
      n *= d;
    }
    if (!t.raw_data().empty()) {
      out.data.resize(t.raw_data().size() / sizeof(float));
      std::memcpy(out.data.data(), t.raw_data().data(), out.data.size() * sizeof(float));
    } else {
      out.data.assign(t.float_data().begin(), t.float_data().end());
    }
    if (static_cast<std::int64_t>(out.data.size()) != n) {
      throw InputError(path, 0, 0, "initializer '" + out.name + "'", "holds another number of values than its shape");
    }
    g.tensors[out.name] = std::move(out);
  }
  return g;
}

std::vector<std::string> model_kinds() { return {"mlp", "cnn", "resnet", "lstm", "char-lstm"}; }
bool is_text_model(const std::string& model) { return model == "char-lstm"; }
std::vector<std::string> schedule_kinds() { return {"constant", "cosine"}; }

std::unique_ptr<Network> build_network(const std::string& model, const HardwareAwareConfig& hwa,
                                       const LayerFactories& factories, const DropoutConfig& dropout) {
  if (dropout.p > 0 && (model == "cnn" || model == "resnet")) {
    throw ParameterError("train.dropout", "the zoo's " + model + " has no dropout (mlp, lstm and char-lstm have)");
  }
  Builder b{hwa, factories, dropout};
  if (model == "mlp") return mlp(b);
  if (model == "cnn") return cnn(b);
  if (model == "resnet") return resnet(b);
  if (model == "lstm") return lstm(b);
  if (model == "char-lstm") return char_lstm(b);
  throw ParameterError("train.model", "unknown model '" + model + "' (known: " + join_names(model_kinds()) + ")");
}

void TrainingConfig::validate() const {
  require_in_range("train.epochs", epochs, 1, 100000);
  require_in_range("train.batch", batch, 1, 1 << 20);
  require_in_range("train.threads", threads, 1, 256);
  require_in_range("train.dropout", dropout, 0.0, 0.95);
  if (schedule != "constant" && schedule != "cosine") {
    throw ParameterError("train.schedule",
                         "unknown schedule '" + schedule + "' (known: " + join_names(schedule_kinds()) + ")");
  }
  hwa.validate();
}

Trainer::Trainer(TrainingConfig config) : m_config(std::move(config)) {
  m_config.hwa.seed = m_config.seed;
  m_config.validate();
  hw::use_single_threaded_gemm();
  m_network = build_network(m_config.model, m_config.hwa, {}, DropoutConfig{m_config.dropout, m_config.seed});
  if (!m_config.init.empty()) m_network->import_from(onnx_initializers(m_config.init));
  m_pool = std::make_unique<ChunkPool>(m_config.threads);
}

Trainer::~Trainer() = default;

void Trainer::train(const Dataset& data, const std::function<void(const Progress&)>& progress) {
  if (data.samples.cols() != image * image || data.classes > classes) {
    throw ParameterError("train.dataset", "the zoo's image models take 28 x 28 images of at most 10 classes");
  }
  train(ImageSet(data), progress);
}

void Trainer::train(const TrainingSet& data, const std::function<void(const Progress&)>& progress) {
  check_network_input(data, *m_network);
  Optimizer optimizer(m_config.optimizer, m_network->parameters());
  const int n = data.size();
  const int batches = (n + m_config.batch - 1) / m_config.batch;
  const double total_steps = static_cast<double>(batches) * m_config.epochs;
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t step = 0;
  for (int epoch = 1; epoch <= m_config.epochs; ++epoch) {
    const std::vector<int> order = epoch_order(n, m_config.seed, epoch);
    LossSum sum;
    for (int bi = 0; bi < batches; ++bi) {
      const int first = bi * m_config.batch;
      const int rows = std::min(m_config.batch, n - first);
      Minibatch b = data.minibatch(order, first, rows, *m_pool, step);
      m_network->forward(b.x, b.pass);
      sum += data.loss(b);
      m_network->backward(b.x, b.pass);
      double lr = m_config.optimizer.learning_rate;
      if (m_config.schedule == "cosine") lr *= 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(step) / total_steps));
      optimizer.step(lr);
      m_network->after_update();
      ++step;
      if (progress) {
        Progress p;
        p.epoch = epoch;
        p.epochs = m_config.epochs;
        p.batch = bi + 1;
        p.batches = batches;
        p.loss = sum.mean_loss();
        p.accuracy = sum.accuracy();
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress(p);
      }
    }
  }
}

Matrix Trainer::predict(const Matrix& samples) { return m_network->predict(samples, *m_pool); }

}  // namespace imcsim::workloads::training
