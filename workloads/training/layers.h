#pragma once
// Trainable layers on Eigen. A minibatch is cut into chunks of at most chunk_samples samples; a layer's
// forward and backward take all chunks of a minibatch at once (one matrix per chunk, one flattened C x H x W
// sample per row, as the reference executor keeps activations) and process them on a ChunkPool. Everything a
// chunk computes depends only on that chunk, and whatever spans chunks (parameter gradients, BatchNorm's batch
// statistics) is reduced over the chunks in their order, so a trained model is bit-identical for any number
// of threads.
//
// Contract: backward() follows the forward() of the same minibatch with training = true; it sets (not adds to)
// every trainable parameter's grad and replaces the chunks' output gradients with the input gradients.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/training/chunk_pool.h"
#include "workloads/training/hardware_aware.h"

namespace imcsim::workloads::training {

constexpr int chunk_samples = 32;

/// Per-sample feature shape, channels x height x width (1 x 1 x n for vectors).
struct Shape {
  int c = 1, h = 1, w = 1;
  int size() const { return c * h * w; }
};

/// One forward or backward sweep over the chunks of a minibatch.
struct Pass {
  ChunkPool* pool = nullptr;
  bool training = false;
  std::uint64_t step = 0;  ///< optimizer step (keys the noise)
  std::vector<int> first;  ///< first sample of each chunk within the minibatch
  int batch = 0;           ///< samples in the minibatch
};

/// A parameter of IR name `name` and shape, `rows` x `cols` zeros (value and gradient).
Parameter make_parameter(const std::string& name, std::vector<std::int64_t> shape, Eigen::Index rows, Eigen::Index cols,
                         bool trainable = true);
/// He-normal initialisation of `w` from the layer's own stream (seed, id): N(0, 2 / fan_in).
void he_normal(Matrix& w, int fan_in, std::uint64_t seed, std::uint32_t id);

/// Sets p.value from the initializer of p's name in `graph`; throws InputError naming the tensor when it is
/// missing or has another size.
void load_tensor(const Graph& graph, Parameter& p);

/// Adds nodes and tensors to an IR graph while a network exports itself.
class GraphWriter {
 public:
  explicit GraphWriter(Graph& graph) : m_graph(graph) {}
  /// Adds a node with one output of per-sample shape `shape` (batch dimension -1 in front); returns its name.
  std::string node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                   const std::vector<std::int64_t>& shape, std::map<std::string, Attribute> attributes = {});
  void constant(const Parameter& p);
  /// Adds a Reshape node `name` of `input` to per-sample shape `shape` (its target shape an integer constant
  /// name.shape: 0, the batch, then `shape`); returns its name.
  std::string reshape(const std::string& name, const std::string& input, const std::vector<std::int64_t>& shape);
  Graph& graph() { return m_graph; }

 private:
  Graph& m_graph;
};

class Layer {
 public:
  explicit Layer(std::string name, Shape in) : m_name(std::move(name)), m_in(in) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual Shape output_shape() const = 0;
  virtual void forward(std::vector<Matrix>& x, const Pass& pass) = 0;
  virtual void backward(std::vector<Matrix>& dy, const Pass& pass) = 0;
  /// Parameters and buffers, in a fixed order.
  virtual std::vector<Parameter*> parameters() { return {}; }
  /// After every optimizer update (weight clipping).
  virtual void after_update() {}
  /// Appends the layer's nodes reading tensor `input`; returns the output tensor.
  virtual std::string export_to(GraphWriter& g, const std::string& input) const = 0;
  /// Sets the parameters and buffers from the tensors of the same names in `graph` (as export_to writes them);
  /// throws InputError naming the tensor when one is missing or has another size.
  virtual void import_from(const Graph& graph);

  const std::string& name() const { return m_name; }
  Shape input_shape() const { return m_in; }

 protected:
  std::string m_name;
  Shape m_in;
};

using LayerPtr = std::unique_ptr<Layer>;

/// A layer whose matrix product runs on an analog array: its weights W (outputs x inputs of the product), an
/// optional bias, the hardware-aware product and the per-chunk gradients reduced in chunk order.
class AnalogLayer : public Layer {
 public:
  std::vector<Parameter*> parameters() override;
  void after_update() override { m_product.clip(m_w.value); }

 protected:
  AnalogLayer(std::string name, Shape in, Parameter w, Parameter b, const HardwareAwareConfig& hwa, std::uint32_t id);
  /// Per-chunk gradient buffers for n chunks, zeroed.
  void begin_backward(int n);
  /// Sets the parameters' gradients to the sums of the chunk buffers, in chunk order.
  void end_backward(const std::vector<const ProductCache*>& caches);

  Parameter m_w, m_b;  ///< m_b.name is empty when the layer has no bias
  AnalogProduct m_product;
  std::vector<Matrix> m_dw, m_db;
  std::vector<float> m_range_grad;
};

/// y = x W^T + b, W: out x in (ONNX Gemm with transB = 1).
class Dense : public AnalogLayer {
 public:
  Dense(std::string name, int in, int out, const HardwareAwareConfig& hwa, std::uint32_t id);
  Shape output_shape() const override { return {1, 1, m_out}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  int m_out;
  std::vector<ProductCache> m_cache;
};

/// 2-D convolution, square kernel, im2col + one GEMM per chunk; every im2col patch is one input vector of the
/// analog array.
class Conv2d : public AnalogLayer {
 public:
  Conv2d(std::string name, Shape in, int out_channels, int kernel, int stride, int pad, bool bias,
         const HardwareAwareConfig& hwa, std::uint32_t id);
  Shape output_shape() const override { return {m_out_c, m_out_h, m_out_w}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  Matrix im2col(const Matrix& x) const;
  void col2im(const Matrix& cols, Matrix& dx) const;

  int m_out_c, m_k, m_stride, m_pad, m_out_h, m_out_w;
  std::vector<ProductCache> m_cache;
};

/// Batch normalisation over N, H, W per channel; running statistics with momentum (PyTorch's convention).
class BatchNorm : public Layer {
 public:
  BatchNorm(std::string name, Shape in, double momentum = 0.1, double epsilon = 1e-5);
  Shape output_shape() const override { return m_in; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::vector<Parameter*> parameters() override { return {&m_scale, &m_shift, &m_mean, &m_var}; }
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  double m_momentum, m_epsilon;
  Parameter m_scale, m_shift, m_mean, m_var;
  std::vector<Matrix> m_xhat;
  Eigen::VectorXf m_inv_std;
  std::int64_t m_count = 0;
};

class Relu : public Layer {
 public:
  Relu(std::string name, Shape in) : Layer(std::move(name), in) {}
  Shape output_shape() const override { return m_in; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  std::vector<Matrix> m_y;
};

/// Inverted dropout: in training each value is zeroed with probability p and the others scaled by 1 / (1 - p);
/// inference passes the values through, so the layer exports nothing. The mask of sample s, value v in a pass of
/// step t is value s size + v of stream (seed, dropout, id, t): the same for any chunking or thread count.
class Dropout : public Layer {
 public:
  /// p in [0, 1).
  Dropout(std::string name, Shape in, double p, std::uint64_t seed, std::uint32_t id);
  Shape output_shape() const override { return m_in; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  float m_p;
  std::uint64_t m_seed;
  std::uint32_t m_id;
  std::vector<Matrix> m_mask;  ///< per chunk of the last training pass: 0 or 1 / (1 - p)
};

/// Max pooling, square window, no padding.
class MaxPool2d : public Layer {
 public:
  MaxPool2d(std::string name, Shape in, int kernel, int stride);
  Shape output_shape() const override { return {m_in.c, m_out_h, m_out_w}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;

 private:
  int m_k, m_stride, m_out_h, m_out_w;
  std::vector<Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m_argmax;
};

class GlobalAveragePool : public Layer {
 public:
  GlobalAveragePool(std::string name, Shape in) : Layer(std::move(name), in) {}
  Shape output_shape() const override { return {m_in.c, 1, 1}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;
};

/// Flatten(axis = 1): the data are unchanged, only the shape.
class Flatten : public Layer {
 public:
  Flatten(std::string name, Shape in) : Layer(std::move(name), in) {}
  Shape output_shape() const override { return {1, 1, m_in.size()}; }
  void forward(std::vector<Matrix>&, const Pass&) override {}
  void backward(std::vector<Matrix>&, const Pass&) override {}
  std::string export_to(GraphWriter& g, const std::string& input) const override;
};

/// y = body(x) + shortcut(x) (an empty shortcut is the identity), exported as an Add node.
class Residual : public Layer {
 public:
  Residual(std::string name, Shape in, std::vector<LayerPtr> body, std::vector<LayerPtr> shortcut);
  Shape output_shape() const override { return m_body.back()->output_shape(); }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::vector<Parameter*> parameters() override;
  void after_update() override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  void import_from(const Graph& graph) override;

 private:
  std::vector<LayerPtr> m_body, m_shortcut;
};

/// What one LSTM step keeps for its backward pass (the cell's functions are in lstm_cell.h).
struct LstmStep {
  Matrix gates;   ///< activated i, f, g, o (rows x 4H)
  Matrix c;       ///< the cell state after the step
  Matrix tanh_c;  ///< tanh(c)
};

/// A one-layer, forward LSTM over a batch_first sequence (per sample: steps x inputs) that outputs its last
/// hidden state, or with `sequence` every step's (steps x hidden, for a stacked LSTM or per-step outputs). Gates
/// i, f, g, o (PyTorch's order); the input and recurrent products are one analog product of [x_t, h_(t-1)] with
/// W = [W_ih W_hh]. Exported as one ONNX LSTM node (layout 1) and a Flatten.
class Lstm : public AnalogLayer {
 public:
  Lstm(std::string name, int steps, int inputs, int hidden, const HardwareAwareConfig& hwa, std::uint32_t id,
       bool sequence = false);
  Shape output_shape() const override { return {1, 1, m_sequence ? m_steps * m_hidden : m_hidden}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  void import_from(const Graph& graph) override;

 private:
  struct Cache {
    std::vector<ProductCache> products;  ///< per step
    std::vector<LstmStep> steps;         ///< per step: gates, cell state
  };
  std::vector<const ProductCache*> product_caches() const;

  int m_steps, m_inputs, m_hidden;  ///< W: 4H x (I + H); b: 1 x 4H
  bool m_sequence;
  std::vector<Cache> m_cache;
};

/// A network: layers in sequence, softmax cross-entropy on the last layer's outputs.
class Network {
 public:
  Network(std::string name, Shape input, std::vector<std::int64_t> input_dims);
  void add(LayerPtr layer) { m_layers.push_back(std::move(layer)); }
  Shape output_shape() const { return m_layers.empty() ? m_input : m_layers.back()->output_shape(); }
  Shape next_input() const { return output_shape(); }
  Shape input_shape() const { return m_input; }
  const std::string& name() const { return m_name; }

  void forward(std::vector<Matrix>& x, const Pass& pass);
  void backward(std::vector<Matrix>& dy, const Pass& pass);
  std::vector<Parameter*> parameters();
  void after_update();
  void import_from(const Graph& graph);
  /// Inference (running statistics, no training noise) on `samples`, chunked; bit-identical for any pool size.
  /// Group g of 8 chunks runs as step first_step + g (layers that read noisy hardware key their reads by it).
  Matrix predict(const Matrix& samples, ChunkPool& pool, std::uint64_t first_step = 0);
  /// The IR graph: input "x" of per-sample dims `input_dims`, output "logits".
  Graph export_graph() const;

 private:
  std::string m_name;
  Shape m_input;
  std::vector<std::int64_t> m_input_dims;
  std::vector<LayerPtr> m_layers;
};

}  // namespace imcsim::workloads::training
