#include "workloads/recurrent_layers.h"

#include "base/errors.h"

namespace imcsim::workloads {

namespace {

using Matrix = hw::BatchMatrix;
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::ArrayXXf sigmoid(const Eigen::ArrayXXf& v) { return 1.0f / (1.0f + (-v).exp()); }

/// Direction d's initial state for rows first_row.. of the batch: zeros, or from input k of the node.
Matrix initial_state(const Graph& graph, const Node& node, std::size_t k, std::int64_t d, Eigen::Index first_row,
                     Eigen::Index rows, std::int64_t hidden) {
  Matrix state = Matrix::Zero(rows, hidden);
  if (k >= node.inputs.size() || node.inputs[k].empty()) return state;
  const Tensor& t = graph.tensor(node.inputs[k]);
  const bool batch_first = node.int_attribute("layout", 0) != 0;
  const std::int64_t dirs = t.shape[batch_first ? 1 : 0], samples = t.shape[batch_first ? 0 : 1];
  if (samples != 1 && first_row + rows > samples) {
    throw Error("initial state '" + t.name + "' holds " + std::to_string(samples) + " samples, the batch has more");
  }
  for (Eigen::Index r = 0; r < rows; ++r) {
    const std::int64_t sample = samples == 1 ? 0 : first_row + r;
    const std::int64_t at = batch_first ? (sample * dirs + d) * hidden : (d * samples + sample) * hidden;
    state.row(r) = Eigen::Map<const Eigen::RowVectorXf>(t.data.data() + at, hidden);
  }
  return state;
}

}  // namespace

RecurrentOutputs run_recurrent(const Graph& graph, const Node& node, std::int64_t gates, const Matrix& x,
                               Eigen::Index first_row, const MatrixEngine& engine, std::size_t first_layer,
                               std::uint64_t first_image) {
  const bool lstm = gates == 4;
  const Tensor& w = graph.tensor(node.inputs[1]);
  const bool has_bias = node.inputs.size() > 3 && !node.inputs[3].empty();
  const std::int64_t dirs = w.shape[0], gh = w.shape[1], input = w.shape[2], hidden = gh / gates;
  const std::int64_t steps = x.cols() / input;
  const std::string direction = node.string_attribute("direction", "forward");
  const bool linear_before_reset = node.int_attribute("linear_before_reset", 0) != 0;
  const Eigen::Index n = x.rows();
  RecurrentOutputs out;
  out.y.resize(n, steps * dirs * hidden);
  out.y_h.resize(n, dirs * hidden);
  if (lstm) out.y_c.resize(n, dirs * hidden);
  Matrix stacked, g, gx, zr, recurrent;
  for (std::int64_t d = 0; d < dirs; ++d) {
    Eigen::RowVectorXf wb = Eigen::RowVectorXf::Zero(gh), rb = Eigen::RowVectorXf::Zero(gh);
    if (has_bias) {
      const auto& b = graph.tensor(node.inputs[3]).data;
      wb = Eigen::Map<const Eigen::RowVectorXf>(b.data() + d * 2 * gh, gh);
      rb = Eigen::Map<const Eigen::RowVectorXf>(b.data() + d * 2 * gh + gh, gh);
    }
    const bool backwards = direction == "reverse" || d == 1;
    Matrix h = initial_state(graph, node, 5, d, first_row, n, hidden);
    Matrix c = initial_state(graph, node, 6, d, first_row, n, hidden);
    for (std::int64_t s = 0; s < steps; ++s) {
      const std::int64_t t = backwards ? steps - 1 - s : s;
      const auto step = static_cast<std::uint32_t>(s);
      if (lstm) {
        // One product of [x_t, h] with [W; R] (gate order i, o, f, c).
        stacked.resize(n, input + hidden);
        stacked.leftCols(input) = x.middleCols(t * input, input);
        stacked.rightCols(hidden) = h;
        engine.multiply(first_layer + static_cast<std::size_t>(d), stacked, n, first_image, step, g);
        g.rowwise() += wb + rb;
        const Eigen::ArrayXXf i = sigmoid(g.middleCols(0, hidden).array());
        const Eigen::ArrayXXf o = sigmoid(g.middleCols(hidden, hidden).array());
        const Eigen::ArrayXXf f = sigmoid(g.middleCols(2 * hidden, hidden).array());
        const Eigen::ArrayXXf candidate = g.middleCols(3 * hidden, hidden).array().tanh();
        c = (f * c.array() + i * candidate).matrix();
        h = (o * c.array().tanh()).matrix();
      } else {
        // Gate order z, r, h; matrices W, R_zr, R_h.
        const std::size_t base = first_layer + static_cast<std::size_t>(3 * d);
        engine.multiply(base, Matrix(x.middleCols(t * input, input)), n, first_image, step, gx);
        gx.rowwise() += wb;
        engine.multiply(base + 1, h, n, first_image, step, zr);
        zr += gx.leftCols(2 * hidden);
        zr.rowwise() += rb.head(2 * hidden);
        const Eigen::ArrayXXf z = sigmoid(zr.leftCols(hidden).array());
        const Eigen::ArrayXXf reset = sigmoid(zr.rightCols(hidden).array());
        Eigen::ArrayXXf candidate;
        if (linear_before_reset) {
          engine.multiply(base + 2, h, n, first_image, step, recurrent);
          recurrent.rowwise() += rb.tail(hidden);
          candidate = (gx.rightCols(hidden).array() + reset * recurrent.array()).tanh();
        } else {
          engine.multiply(base + 2, Matrix((reset * h.array()).matrix()), n, first_image, step, recurrent);
          recurrent.rowwise() += rb.tail(hidden);
          candidate = (gx.rightCols(hidden).array() + recurrent.array()).tanh();
        }
        h = ((1.0f - z) * candidate + z * h.array()).matrix();
      }
      out.y.middleCols((t * dirs + d) * hidden, hidden) = h;
    }
    out.y_h.middleCols(d * hidden, hidden) = h;
    if (lstm) out.y_c.middleCols(d * hidden, hidden) = c;
  }
  return out;
}

}  // namespace imcsim::workloads
