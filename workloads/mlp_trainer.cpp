#include "workloads/mlp_trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/check.h"
#include "base/random.h"

namespace imcsim::workloads {

namespace {

using Matrix = hw::BatchMatrix;

struct Layer {
  Matrix w;          ///< out x in (as ONNX Gemm with transB = 1)
  Eigen::RowVectorXf b;
  Matrix mw, vw;     ///< Adam moments
  Eigen::RowVectorXf mb, vb;
};

void adam(Matrix& p, Matrix& m, Matrix& v, const Matrix& g, float lr, int t) {
  constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  m = b1 * m + (1 - b1) * g;
  v = b2 * v + (1 - b2) * g.cwiseAbs2();
  const float c1 = 1.0f - std::pow(b1, static_cast<float>(t));
  const float c2 = 1.0f - std::pow(b2, static_cast<float>(t));
  p.array() -= lr * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
}

void adam(Eigen::RowVectorXf& p, Eigen::RowVectorXf& m, Eigen::RowVectorXf& v, const Eigen::RowVectorXf& g,
          float lr, int t) {
  Matrix pm = p, mm = m, vm = v;
  adam(pm, mm, vm, g, lr, t);
  p = pm.row(0);
  m = mm.row(0);
  v = vm.row(0);
}

}  // namespace

Graph train_mlp(const MlpTrainingConfig& config, const Dataset& train,
                const std::function<void(const EpochReport&)>& progress) {
  require_in_range("train.epochs", config.epochs, 1, 100000);
  require_in_range("train.batch", config.batch, 1, 1 << 20);
  require_positive("train.learning_rate", config.learning_rate);
  if (config.layers.size() < 2 || config.layers.front() != train.samples.cols() ||
      config.layers.back() < train.classes) {
    throw ParameterError("train.layers", "must start with the data set's " + std::to_string(train.samples.cols()) +
                                             " inputs and end with at least its " + std::to_string(train.classes) +
                                             " classes");
  }
  // He initialisation from the seed, one stream per layer.
  std::vector<Layer> layers;
  for (std::size_t l = 0; l + 1 < config.layers.size(); ++l) {
    Layer layer;
    const int in = config.layers[l], out = config.layers[l + 1];
    layer.w.resize(out, in);
    RandomStream({config.seed, RandomPurpose::user, static_cast<std::uint32_t>(l), 1})
        .normal(layer.w.data(), static_cast<std::size_t>(layer.w.size()));
    layer.w *= std::sqrt(2.0f / static_cast<float>(in));
    layer.b = Eigen::RowVectorXf::Zero(out);
    layer.mw = layer.vw = Matrix::Zero(out, in);
    layer.mb = layer.vb = Eigen::RowVectorXf::Zero(out);
    layers.push_back(std::move(layer));
  }
  const int n = train.size();
  std::vector<int> order(static_cast<std::size_t>(n));
  std::vector<float> keys(static_cast<std::size_t>(n));
  int step = 0;
  const auto lr = static_cast<float>(config.learning_rate);
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    // A fresh permutation per epoch: sort by counter-based random keys.
    RandomStream({config.seed, RandomPurpose::user, 1000, static_cast<std::uint32_t>(epoch)})
        .uniform(keys.data(), keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys[static_cast<std::size_t>(a)] < keys[static_cast<std::size_t>(b)]; });
    double loss_sum = 0;
    std::int64_t correct = 0;
    for (int start = 0; start < n; start += config.batch) {
      const int rows = std::min(config.batch, n - start);
      Matrix x(rows, train.samples.cols());
      Eigen::VectorXi y(rows);
      for (int r = 0; r < rows; ++r) {
        const int i = order[static_cast<std::size_t>(start + r)];
        x.row(r) = train.samples.row(i);
        y[r] = train.labels[static_cast<std::size_t>(i)];
      }
      // Forward, keeping every layer's input.
      std::vector<Matrix> acts{x};
      for (std::size_t l = 0; l < layers.size(); ++l) {
        Matrix z = acts.back() * layers[l].w.transpose();
        z.rowwise() += layers[l].b;
        if (l + 1 < layers.size()) z = z.cwiseMax(0.0f);
        acts.push_back(std::move(z));
      }
      // Softmax cross-entropy.
      Matrix delta = acts.back();
      for (int r = 0; r < rows; ++r) {
        auto row = delta.row(r).array();
        Eigen::Index best = 0;
        row.maxCoeff(&best);
        correct += best == y[r];
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
        loss_sum -= std::log(std::max(row(y[r]), 1e-12f));
        row(y[r]) -= 1.0f;
      }
      delta /= static_cast<float>(rows);
      ++step;
      for (std::size_t l = layers.size(); l-- > 0;) {
        const Matrix grad_w = delta.transpose() * acts[l];
        const Eigen::RowVectorXf grad_b = delta.colwise().sum();
        if (l > 0) {
          Matrix back = delta * layers[l].w;
          delta = back.cwiseProduct((acts[l].array() > 0.0f).cast<float>().matrix());
        }
        adam(layers[l].w, layers[l].mw, layers[l].vw, grad_w, lr, step);
        adam(layers[l].b, layers[l].mb, layers[l].vb, grad_b, lr, step);
      }
    }
    if (progress) progress({epoch, loss_sum / n, static_cast<double>(correct) / n});
  }

  Graph g;
  g.name = "mlp";
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"logits"};
  Tensor x;
  x.name = "x";
  x.shape = {-1};
  x.shape.insert(x.shape.end(), train.sample_shape.begin(), train.sample_shape.end());
  g.tensors["x"] = x;
  Node flatten;
  flatten.name = "flatten";
  flatten.op = "Flatten";
  flatten.inputs = {"x"};
  flatten.outputs = {"h0"};
  flatten.attributes["axis"].i = 1;
  g.nodes.push_back(flatten);
  g.tensors["h0"] = Tensor{"h0", {-1, config.layers.front()}, {}, false};
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::string w = "fc" + std::to_string(l + 1) + ".weight";
    const std::string b = "fc" + std::to_string(l + 1) + ".bias";
    g.tensors[w] = Tensor{w, {layers[l].w.rows(), layers[l].w.cols()},
                          std::vector<float>(layers[l].w.data(), layers[l].w.data() + layers[l].w.size()), true};
    g.tensors[b] = Tensor{b, {layers[l].b.size()}, std::vector<float>(layers[l].b.data(), layers[l].b.data() + layers[l].b.size()), true};
    const bool last = l + 1 == layers.size();
    const std::string gemm_out = last ? "logits" : "z" + std::to_string(l + 1);
    Node gemm;
    gemm.name = "fc" + std::to_string(l + 1);
    gemm.op = "Gemm";
    gemm.inputs = {"h" + std::to_string(l), w, b};
    gemm.outputs = {gemm_out};
    gemm.attributes["transB"].i = 1;
    g.nodes.push_back(gemm);
    g.tensors[gemm_out] = Tensor{gemm_out, {-1, layers[l].w.rows()}, {}, false};
    if (!last) {
      const std::string relu_out = "h" + std::to_string(l + 1);
      Node relu;
      relu.name = "relu" + std::to_string(l + 1);
      relu.op = "Relu";
      relu.inputs = {gemm_out};
      relu.outputs = {relu_out};
      g.nodes.push_back(relu);
      g.tensors[relu_out] = Tensor{relu_out, {-1, layers[l].w.rows()}, {}, false};
    }
  }
  return g;
}

}  // namespace imcsim::workloads
