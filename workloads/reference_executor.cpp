#include "workloads/reference_executor.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "base/errors.h"
#include "workloads/shape_inference.h"

#include <limits>

namespace imcsim::workloads {

namespace {

using Matrix = hw::BatchMatrix;

/// A constant as a row vector broadcast over the batch (shape [N] or [1, N]) or a full matrix.
Matrix constant_matrix(const Tensor& t) {
  std::int64_t rows = 1;
  if (t.shape.size() == 2) rows = t.shape[0];
  const std::int64_t cols = rows > 0 ? static_cast<std::int64_t>(t.data.size()) / rows : 0;
  return Eigen::Map<const Matrix>(t.data.data(), rows, cols);
}

Matrix elementwise(const std::string& op, const Matrix& a, const Matrix& b) {
  // b may be a row vector broadcast over a's rows, or a scalar.
  Matrix bb;
  if (b.rows() == a.rows() && b.cols() == a.cols()) {
    bb = b;
  } else if (b.rows() == 1 && b.cols() == a.cols()) {
    bb = b.replicate(a.rows(), 1);
  } else if (b.size() == 1) {
    bb = Matrix::Constant(a.rows(), a.cols(), b(0, 0));
  } else {
    throw Error("cannot broadcast " + std::to_string(b.rows()) + "x" + std::to_string(b.cols()) + " onto " +
                std::to_string(a.rows()) + "x" + std::to_string(a.cols()));
  }
  if (op == "Add") return a + bb;
  if (op == "Sub") return a - bb;
  if (op == "Mul") return a.cwiseProduct(bb);
  return a.cwiseQuotient(bb);
}

/// Conv on a batch of flattened C x H x W samples: im2col per sample and group, then one product each.
Matrix convolution(const Graph& g, const Node& n, const Matrix& x) {
  const Window w = window(g, n, g.name, n.name);
  const Tensor& weights = g.tensor(n.inputs[1]);
  const std::int64_t cg = w.in_channels / w.group;     // input channels per group
  const std::int64_t mg = w.out_channels / w.group;    // output channels per group
  const std::int64_t patch = cg * w.kernel_h * w.kernel_w;
  const std::int64_t positions = w.out_h * w.out_w;
  const std::vector<float>* bias = n.inputs.size() > 2 ? &g.tensor(n.inputs[2]).data : nullptr;
  Matrix out(x.rows(), w.out_channels * positions);
  Eigen::MatrixXf cols(patch, positions);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    const float* in = x.row(s).data();
    for (std::int64_t grp = 0; grp < w.group; ++grp) {
      for (std::int64_t c = 0; c < cg; ++c) {
        for (std::int64_t ky = 0; ky < w.kernel_h; ++ky) {
          for (std::int64_t kx = 0; kx < w.kernel_w; ++kx) {
            const std::int64_t r = (c * w.kernel_h + ky) * w.kernel_w + kx;
            for (std::int64_t oy = 0; oy < w.out_h; ++oy) {
              const std::int64_t iy = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
              for (std::int64_t ox = 0; ox < w.out_w; ++ox) {
                const std::int64_t ix = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
                const bool inside = iy >= 0 && iy < w.in_h && ix >= 0 && ix < w.in_w;
                cols(r, oy * w.out_w + ox) =
                    inside ? in[((grp * cg + c) * w.in_h + iy) * w.in_w + ix] : 0.0f;
              }
            }
          }
        }
      }
      const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> wg(
          weights.data.data() + grp * mg * patch, mg, patch);
      Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> y(
          out.row(s).data() + grp * mg * positions, mg, positions);
      y.noalias() = wg * cols;
      if (bias != nullptr) {
        for (std::int64_t m = 0; m < mg; ++m) y.row(m).array() += (*bias)[static_cast<std::size_t>(grp * mg + m)];
      }
    }
  }
  return out;
}

/// MaxPool and AveragePool.
Matrix pooling(const Graph& g, const Node& n, const Matrix& x) {
  const Window w = window(g, n, g.name, n.name);
  const bool max = n.op == "MaxPool";
  Matrix out(x.rows(), w.out_channels * w.out_h * w.out_w);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    const float* in = x.row(s).data();
    float* o = out.row(s).data();
    for (std::int64_t c = 0; c < w.in_channels; ++c) {
      for (std::int64_t oy = 0; oy < w.out_h; ++oy) {
        for (std::int64_t ox = 0; ox < w.out_w; ++ox) {
          float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
          std::int64_t counted = 0;
          std::int64_t window_cells = 0;
          for (std::int64_t ky = 0; ky < w.kernel_h; ++ky) {
            for (std::int64_t kx = 0; kx < w.kernel_w; ++kx) {
              const std::int64_t iy = oy * w.stride_h - w.pad_top + ky;
              const std::int64_t ix = ox * w.stride_w - w.pad_left + kx;
              // Cells in the padding count for count_include_pad; cells past it (ceil_mode) never do.
              if (iy < w.in_h + w.pad_bottom && ix < w.in_w + w.pad_right) ++window_cells;
              if (iy < 0 || iy >= w.in_h || ix < 0 || ix >= w.in_w) continue;
              const float v = in[(c * w.in_h + iy) * w.in_w + ix];
              acc = max ? std::max(acc, v) : acc + v;
              ++counted;
            }
          }
          if (!max) acc /= static_cast<float>(w.count_include_pad ? window_cells : std::max<std::int64_t>(counted, 1));
          o[(c * w.out_h + oy) * w.out_w + ox] = acc;
        }
      }
    }
  }
  return out;
}

Matrix global_average_pool(const Graph& g, const Node& n, const Matrix& x) {
  const auto& shape = g.tensor(n.inputs[0]).shape;
  const std::int64_t channels = shape[1], cells = shape[2] * shape[3];
  Matrix out(x.rows(), channels);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    for (std::int64_t c = 0; c < channels; ++c) out(s, c) = x.row(s).segment(c * cells, cells).mean();
  }
  return out;
}

Matrix batch_normalization(const Graph& g, const Node& n, const Matrix& x) {
  const auto& shape = g.tensor(n.inputs[0]).shape;
  const std::int64_t channels = shape.size() > 1 ? shape[1] : 1;
  std::int64_t cells = 1;
  for (std::size_t i = 2; i < shape.size(); ++i) cells *= shape[i];
  const auto& scale = g.tensor(n.inputs[1]).data;
  const auto& shift = g.tensor(n.inputs[2]).data;
  const auto& mean = g.tensor(n.inputs[3]).data;
  const auto& var = g.tensor(n.inputs[4]).data;
  const float eps = n.float_attribute("epsilon", 1e-5f);
  Matrix out = x;
  for (std::int64_t c = 0; c < channels; ++c) {
    const float a = scale[static_cast<std::size_t>(c)] / std::sqrt(var[static_cast<std::size_t>(c)] + eps);
    const float b = shift[static_cast<std::size_t>(c)] - a * mean[static_cast<std::size_t>(c)];
    out.middleCols(c * cells, cells).array() = out.middleCols(c * cells, cells).array() * a + b;
  }
  return out;
}

}  // namespace

ReferenceExecutor::ReferenceExecutor(Graph graph) : m_graph(std::move(graph)) {
  if (m_graph.inputs.empty() || m_graph.outputs.empty()) throw InputError(m_graph.name, 0, 0, "graph", "no input or output");
  for (const auto& n : m_graph.nodes) {
    const std::string where = "node '" + n.name + "' (" + n.op + ")";
    if (n.op == "Gemm" || n.op == "MatMul") {
      if (!m_graph.tensor(n.inputs[1]).constant) {
        throw InputError(m_graph.name, 0, 0, where, "the weight operand must be a constant");
      }
      if (n.op == "Gemm" && n.int_attribute("transA", 0) != 0) {
        throw InputError(m_graph.name, 0, 0, where + " attribute 'transA'", "transposed activations are not supported");
      }
    }
    if (n.op == "Conv" && !m_graph.tensor(n.inputs[1]).constant) {
      throw InputError(m_graph.name, 0, 0, where, "the weights must be a constant");
    }
    if (n.op == "BatchNormalization") {
      for (std::size_t k = 1; k < 5; ++k) {
        if (k >= n.inputs.size() || !m_graph.tensor(n.inputs[k]).constant) {
          throw InputError(m_graph.name, 0, 0, where, "scale, bias, mean and variance must be constants");
        }
      }
    }
    if (n.op == "Flatten" && n.int_attribute("axis", 1) != 1) {
      throw InputError(m_graph.name, 0, 0, where + " attribute 'axis'", "only axis 1 (keep the batch) is supported");
    }
    if (n.op == "Softmax") {
      const std::int64_t axis = n.int_attribute("axis", -1);
      const auto rank = static_cast<std::int64_t>(m_graph.tensor(n.inputs[0]).shape.size());
      if (axis != -1 && axis != rank - 1) {
        throw InputError(m_graph.name, 0, 0, where + " attribute 'axis'", "only the last axis is supported");
      }
    }
  }
}

Matrix ReferenceExecutor::run_chunk(const Matrix& input) const {
  std::map<std::string, Matrix> values;
  values[m_graph.inputs.front()] = input;
  const auto value = [&](const std::string& name) -> Matrix {
    const auto it = values.find(name);
    if (it != values.end()) return it->second;
    return constant_matrix(m_graph.tensor(name));
  };
  for (const auto& n : m_graph.nodes) {
    Matrix out;
    const std::string& op = n.op;
    if (op == "Gemm") {
      const Tensor& w = m_graph.tensor(n.inputs[1]);
      const Eigen::Map<const Matrix> b(w.data.data(), w.shape[0], w.shape[1]);
      const float alpha = n.float_attribute("alpha", 1.0f);
      const Matrix a = value(n.inputs[0]);
      if (n.int_attribute("transB", 0) != 0) {
        out.noalias() = a * b.transpose();
      } else {
        out.noalias() = a * b;
      }
      if (alpha != 1.0f) out *= alpha;
      if (n.inputs.size() > 2) {
        out = elementwise("Add", out, value(n.inputs[2]) * n.float_attribute("beta", 1.0f));
      }
    } else if (op == "MatMul") {
      const Tensor& w = m_graph.tensor(n.inputs[1]);
      const Eigen::Map<const Matrix> b(w.data.data(), w.shape[0], w.shape[1]);
      out.noalias() = value(n.inputs[0]) * b;
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
      out = elementwise(op, value(n.inputs[0]), value(n.inputs[1]));
    } else if (op == "Relu") {
      out = value(n.inputs[0]).cwiseMax(0.0f);
    } else if (op == "LeakyRelu") {
      const float alpha = n.float_attribute("alpha", 0.01f);
      const Matrix x = value(n.inputs[0]);
      out = x.unaryExpr([alpha](float v) { return v >= 0 ? v : alpha * v; });
    } else if (op == "Sigmoid") {
      out = (1.0f / (1.0f + (-value(n.inputs[0]).array()).exp())).matrix();
    } else if (op == "Tanh") {
      out = value(n.inputs[0]).array().tanh().matrix();
    } else if (op == "Softmax") {
      out = value(n.inputs[0]);
      for (Eigen::Index r = 0; r < out.rows(); ++r) {
        auto row = out.row(r).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
      }
    } else if (op == "Conv") {
      out = convolution(m_graph, n, value(n.inputs[0]));
    } else if (op == "MaxPool" || op == "AveragePool") {
      out = pooling(m_graph, n, value(n.inputs[0]));
    } else if (op == "GlobalAveragePool") {
      out = global_average_pool(m_graph, n, value(n.inputs[0]));
    } else if (op == "BatchNormalization") {
      out = batch_normalization(m_graph, n, value(n.inputs[0]));
    } else {  // Flatten (axis 1), Identity, Dropout: the flattened batch is unchanged
      out = value(n.inputs[0]);
    }
    values[n.outputs[0]] = std::move(out);
  }
  return value(m_graph.outputs.front());
}

Matrix ReferenceExecutor::run(const Matrix& input, int threads) const {
  const Eigen::Index n = input.rows();
  const Eigen::Index chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<Matrix> results(static_cast<std::size_t>(chunks));
  const auto work = [&](Eigen::Index first_chunk, Eigen::Index step) {
    for (Eigen::Index c = first_chunk; c < chunks; c += step) {
      const Eigen::Index begin = c * chunk_rows;
      const Eigen::Index rows = std::min<Eigen::Index>(chunk_rows, n - begin);
      results[static_cast<std::size_t>(c)] = run_chunk(input.middleRows(begin, rows));
    }
  };
  const int used = std::max(1, std::min<int>(threads, static_cast<int>(chunks)));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(work, t, used);
  work(0, used);
  for (auto& t : pool) t.join();
  if (results.empty()) return Matrix();
  Matrix out(n, results.front().cols());
  for (Eigen::Index c = 0; c < chunks; ++c) out.middleRows(c * chunk_rows, results[static_cast<std::size_t>(c)].rows()) = results[static_cast<std::size_t>(c)];
  return out;
}

double top1(const Matrix& outputs, const std::vector<int>& labels) {
  if (outputs.rows() == 0) return 0.0;
  std::int64_t correct = 0;
  for (Eigen::Index r = 0; r < outputs.rows(); ++r) {
    Eigen::Index best = 0;
    outputs.row(r).maxCoeff(&best);
    correct += best == labels[static_cast<std::size_t>(r)];
  }
  return static_cast<double>(correct) / static_cast<double>(outputs.rows());
}

}  // namespace imcsim::workloads
