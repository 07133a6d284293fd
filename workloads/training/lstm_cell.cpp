#include "workloads/training/lstm_cell.h"

#include <cmath>

#include "base/errors.h"
#include "base/random.h"

namespace imcsim::workloads::training {

namespace {

/// ONNX's gate order i, o, f, c from ours i, f, g, o: ONNX gate k is our gate onnx_gate[k].
constexpr int onnx_gate[4] = {0, 3, 1, 2};

Eigen::ArrayXXf sigmoid(const Eigen::ArrayXXf& z) { return 1.0f / (1.0f + (-z).exp()); }

}  // namespace

void initialise_lstm(Matrix& w, Matrix& b, std::uint64_t seed, std::uint32_t id, int hidden) {
  RandomStream({seed, RandomPurpose::user, id, 1}).uniform(w.data(), static_cast<std::size_t>(w.size()));
  const float a = 1.0f / std::sqrt(static_cast<float>(hidden));
  w = (w.array() * 2.0f - 1.0f) * a;
  b.setZero();
  b.middleCols(hidden, hidden).setOnes();
}

Matrix lstm_step_forward(const Matrix& z, const Matrix& c_prev, int hidden, LstmStep& step) {
  const int h_n = hidden;
  step.gates.resize(z.rows(), 4 * h_n);
  step.gates.leftCols(2 * h_n) = sigmoid(z.leftCols(2 * h_n).array()).matrix();
  step.gates.middleCols(2 * h_n, h_n) = z.middleCols(2 * h_n, h_n).array().tanh().matrix();
  step.gates.rightCols(h_n) = sigmoid(z.rightCols(h_n).array()).matrix();
  step.c = step.gates.middleCols(h_n, h_n).cwiseProduct(c_prev) +
           step.gates.leftCols(h_n).cwiseProduct(step.gates.middleCols(2 * h_n, h_n));
  step.tanh_c = step.c.array().tanh().matrix();
  return step.gates.rightCols(h_n).cwiseProduct(step.tanh_c);
}

Matrix lstm_step_backward(const LstmStep& step, const Matrix* c_prev, const Matrix& dh, Matrix& dc, int hidden) {
  const int h_n = hidden;
  const auto& g = step.gates;
  const auto gi = g.leftCols(h_n).array(), gf = g.middleCols(h_n, h_n).array(), gg = g.middleCols(2 * h_n, h_n).array(),
             go = g.rightCols(h_n).array();
  const auto tc = step.tanh_c.array();
  Matrix dz(dh.rows(), 4 * h_n);
  dc.array() += dh.array() * go * (1.0f - tc.square());
  dz.leftCols(h_n) = (dc.array() * gg * gi * (1.0f - gi)).matrix();
  if (c_prev) {
    dz.middleCols(h_n, h_n) = (dc.array() * c_prev->array() * gf * (1.0f - gf)).matrix();
  } else {
    dz.middleCols(h_n, h_n).setZero();
  }
  dz.middleCols(2 * h_n, h_n) = (dc.array() * gi * (1.0f - gg.square())).matrix();
  dz.rightCols(h_n) = (dh.array() * tc * go * (1.0f - go)).matrix();
  dc.array() *= gf;
  return dz;
}

std::string export_lstm(GraphWriter& g, const std::string& name, const std::string& input, const Matrix& w_ours,
                        const Matrix& b_ours, int steps, int inputs, int hidden, bool sequence) {
  const int h_n = hidden;
  const auto gate_rows = [&](const Matrix& m, int onnx_k) { return m.middleRows(onnx_gate[onnx_k] * h_n, h_n); };
  Parameter w, r, b;
  w.name = name + ".W";
  w.shape = {1, 4 * h_n, inputs};
  w.value.resize(4 * h_n, inputs);
  r.name = name + ".R";
  r.shape = {1, 4 * h_n, h_n};
  r.value.resize(4 * h_n, h_n);
  b.name = name + ".B";
  b.shape = {1, 8 * h_n};
  b.value = Matrix::Zero(1, 8 * h_n);
  for (int k = 0; k < 4; ++k) {
    w.value.middleRows(k * h_n, h_n) = gate_rows(w_ours, k).leftCols(inputs);
    r.value.middleRows(k * h_n, h_n) = gate_rows(w_ours, k).rightCols(h_n);
    b.value.middleCols(k * h_n, h_n) = b_ours.middleCols(onnx_gate[k] * h_n, h_n);
  }
  g.constant(w);
  g.constant(r);
  g.constant(b);
  // A flat input (batch x steps inputs: a stacked LSTM's, after the Flatten of the one before) becomes
  // batch x steps x inputs.
  const auto known = g.graph().tensors.find(input);
  const bool flat = known != g.graph().tensors.end() && known->second.shape.size() == 2;
  const std::string x = flat ? g.reshape(name + "_input", input, {steps, inputs}) : input;
  Node node;
  node.name = name;
  node.op = "LSTM";
  node.inputs = {x, w.name, r.name, b.name};
  const std::string y = name + (sequence ? "_y" : "_h");
  node.outputs = sequence ? std::vector<std::string>{y} : std::vector<std::string>{"", y};
  node.attributes["hidden_size"].i = h_n;
  node.attributes["layout"].i = 1;
  node.attributes["direction"].s = "forward";
  g.graph().nodes.push_back(node);
  g.graph().tensors[y] = sequence ? Tensor{y, {-1, steps, 1, h_n}, {}, false} : Tensor{y, {-1, 1, h_n}, {}, false};
  Attribute axis;
  axis.i = 1;
  return g.node(name + "_flatten", "Flatten", {y}, {sequence ? steps * h_n : h_n}, {{"axis", axis}});
}

void import_lstm(const Graph& graph, const std::string& name, int inputs, int hidden, Matrix& w_ours, Matrix& b_ours) {
  const int h_n = hidden;
  const auto get = [&](const std::string& tensor, Eigen::Index size) {
    const auto it = graph.tensors.find(tensor);
    if (it == graph.tensors.end() || static_cast<Eigen::Index>(it->second.data.size()) != size) {
      throw InputError(graph.name, 0, 0, "tensor '" + tensor + "'", "missing or of another size than the LSTM needs");
    }
    return it->second.data;
  };
  const auto w = get(name + ".W", 4 * h_n * inputs);
  const auto r = get(name + ".R", 4 * h_n * h_n);
  const auto b = get(name + ".B", 8 * h_n);
  const Eigen::Map<const Matrix> wm(w.data(), 4 * h_n, inputs), rm(r.data(), 4 * h_n, h_n);
  const Eigen::Map<const Matrix> bm(b.data(), 1, 8 * h_n);
  for (int k = 0; k < 4; ++k) {
    const int ours = onnx_gate[k] * h_n;
    w_ours.block(ours, 0, h_n, inputs) = wm.middleRows(k * h_n, h_n);
    w_ours.block(ours, inputs, h_n, h_n) = rm.middleRows(k * h_n, h_n);
    b_ours.middleCols(ours, h_n) = bm.middleCols(k * h_n, h_n) + bm.middleCols(4 * h_n + k * h_n, h_n);
  }
}

}  // namespace imcsim::workloads::training
