#include "workloads/reference_executor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "base/errors.h"
#include "hw/gemm_backend.h"
#include "workloads/index_maps.h"
#include "workloads/recurrent_layers.h"
#include "workloads/shape_inference.h"
#include "workloads/weight_layers.h"

namespace imcsim::workloads {

namespace {

using Matrix = hw::BatchMatrix;

/// A constant as one row (shape [N] or [1, N], e.g. a Gemm bias) broadcast over the batch.
Matrix constant_row(const Tensor& t) {
  return Eigen::Map<const Matrix>(t.data.data(), 1, static_cast<Eigen::Index>(t.data.size()));
}

/// out(:, j) = m(:, from[j]).
Matrix gather_columns(const Matrix& m, const std::vector<std::int64_t>& from) {
  Matrix out(m.rows(), static_cast<Eigen::Index>(from.size()));
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const float* in = m.row(r).data();
    float* o = out.row(r).data();
    for (std::size_t j = 0; j < from.size(); ++j) o[j] = in[from[j]];
  }
  return out;
}

bool is_identity(const std::vector<std::int64_t>& from, std::int64_t size) {
  if (static_cast<std::int64_t>(from.size()) != size) return false;
  for (std::size_t j = 0; j < from.size(); ++j) {
    if (from[j] != static_cast<std::int64_t>(j)) return false;
  }
  return true;
}

/// The shape of one sample of an activation: the batch axis taken out.
Shape sample_shape(const Tensor& t) {
  Shape s = t.shape;
  if (t.batch_axis >= 0) s.erase(s.begin() + t.batch_axis);
  return s;
}

/// The shape as broadcasting sees one sample: the batch axis set to 1.
Shape one_sample(const Tensor& t) {
  Shape s = t.shape;
  if (t.batch_axis >= 0) s[static_cast<std::size_t>(t.batch_axis)] = 1;
  return s;
}

/// An axis of the whole tensor as an axis of one sample.
std::int64_t sample_axis(const Tensor& t, std::int64_t axis) {
  if (axis < 0) axis += static_cast<std::int64_t>(t.shape.size());
  return t.batch_axis >= 0 && axis > t.batch_axis ? axis - 1 : axis;
}

/// Conv, weight-stationary: per group, the unrolled patches of all samples (step-major: one row per output
/// pixel and sample) through the engine, then scattered back to N x M x H x W.
Matrix convolution(const Graph& g, const Node& n, const Matrix& x, const MatrixEngine& engine, std::size_t first_layer,
                   std::uint64_t first_image) {
  const Window w = window(g, n, g.name, n.name);
  const std::int64_t cg = w.in_channels / w.group;   // input channels per group
  const std::int64_t mg = w.out_channels / w.group;  // output channels per group
  const std::int64_t patch = cg * w.kernel_h * w.kernel_w;
  const std::int64_t positions = w.out_h * w.out_w;
  const Eigen::Index samples = x.rows();
  const std::vector<float>* bias = n.inputs.size() > 2 ? &g.tensor(n.inputs[2]).data : nullptr;
  Matrix out(samples, w.out_channels * positions);
  // Per-thread buffers: the unrolled patches of a chunk are megabytes, allocated once per thread.
  thread_local Matrix cols, y;
  cols.resize(positions * samples, patch);
  for (std::int64_t grp = 0; grp < w.group; ++grp) {
    for (std::int64_t oy = 0; oy < w.out_h; ++oy) {
      for (std::int64_t ox = 0; ox < w.out_w; ++ox) {
        for (Eigen::Index s = 0; s < samples; ++s) {
          const float* in = x.row(s).data();
          float* row = cols.row((oy * w.out_w + ox) * samples + s).data();
          for (std::int64_t c = 0; c < cg; ++c) {
            for (std::int64_t ky = 0; ky < w.kernel_h; ++ky) {
              const std::int64_t iy = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
              const bool row_inside = iy >= 0 && iy < w.in_h;
              for (std::int64_t kx = 0; kx < w.kernel_w; ++kx) {
                const std::int64_t ix = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
                const bool inside = row_inside && ix >= 0 && ix < w.in_w;
                row[(c * w.kernel_h + ky) * w.kernel_w + kx] =
                    inside ? in[((grp * cg + c) * w.in_h + iy) * w.in_w + ix] : 0.0f;
              }
            }
          }
        }
      }
    }
    engine.multiply(first_layer + static_cast<std::size_t>(grp), cols, samples, first_image, 0, y);
    for (Eigen::Index s = 0; s < samples; ++s) {
      float* o = out.row(s).data() + grp * mg * positions;
      for (std::int64_t p = 0; p < positions; ++p) {
        const float* v = y.row(p * samples + s).data();
        for (std::int64_t m = 0; m < mg; ++m) {
          o[m * positions + p] = v[m] + (bias != nullptr ? (*bias)[static_cast<std::size_t>(grp * mg + m)] : 0.0f);
        }
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

ReferenceExecutor::ReferenceExecutor(Graph graph, std::shared_ptr<const MatrixEngine> engine)
    : m_graph(std::move(graph)), m_engine(std::move(engine)) {
  if (m_graph.inputs.empty() || m_graph.outputs.empty()) {
    throw InputError(m_graph.name, 0, 0, "graph", "no input or output");
  }
  // The executor parallelises over chunks itself; a multi-threaded GEMM would change the summation order.
  hw::use_single_threaded_gemm();
  infer_graph_shapes(m_graph);
  check_nodes();
  std::vector<WeightLayer> layers = weight_layers(m_graph);
  m_first_layer.assign(m_graph.nodes.size(), layers.size());
  for (std::size_t k = layers.size(); k-- > 0;) m_first_layer[layers[k].node] = k;
  if (!m_engine) m_engine = std::make_shared<Fp32Engine>(std::move(layers));
}

void ReferenceExecutor::check_nodes() {
  for (const auto& name : m_graph.outputs) {
    if (m_graph.tensor(name).constant) throw InputError(m_graph.name, 0, 0, "output '" + name + "'", "is a constant");
  }
  for (const auto& n : m_graph.nodes) {
    const std::string where = "node '" + n.name + "' (" + n.op + ")";
    const auto constant = [&](std::size_t k) { return k < n.inputs.size() && m_graph.tensor(n.inputs[k]).constant; };
    if ((n.op == "Gemm" || n.op == "MatMul" || n.op == "Conv") && !constant(1)) {
      throw InputError(m_graph.name, 0, 0, where, "the weight operand must be a constant");
    }
    if (n.op == "Gemm" && n.int_attribute("transA", 0) != 0) {
      throw InputError(m_graph.name, 0, 0, where + " attribute 'transA'", "transposed activations are not supported");
    }
    if (n.op == "BatchNormalization" && !(constant(1) && constant(2) && constant(3) && constant(4))) {
      throw InputError(m_graph.name, 0, 0, where, "scale, bias, mean and variance must be constants");
    }
    if (n.op == "LSTM" || n.op == "GRU") {
      for (std::size_t k = 5; k < n.inputs.size() && k < 7; ++k) {
        if (!n.inputs[k].empty() && !constant(k)) {
          throw InputError(m_graph.name, 0, 0, where, "initial state '" + n.inputs[k] + "' must be a constant");
        }
      }
    }
    for (const auto& input : n.inputs) {
      if (input.empty() || m_graph.tensor(input).constant) continue;
      for (const auto d : sample_shape(m_graph.tensor(input))) {
        if (d < 0)
          throw InputError(m_graph.name, 0, 0, where,
                           "input '" + input + "' has an unknown dimension besides the batch");
      }
    }
    try {
      m_plans.push_back(plan(n));
    } catch (const InputError&) {
      throw;
    } catch (const Error& e) {
      throw InputError(m_graph.name, 0, 0, where, e.what());
    }
  }
}

ReferenceExecutor::NodePlan ReferenceExecutor::plan(const Node& n) const {
  NodePlan p;
  const std::string& op = n.op;
  if (n.inputs.empty()) return p;
  const Tensor& x = m_graph.tensor(n.inputs[0]);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const Shape out = one_sample(m_graph.tensor(n.outputs[0]));
    for (std::size_t k = 0; k < 2; ++k)
      p.operands.push_back(broadcast_map(one_sample(m_graph.tensor(n.inputs[k])), out));
  } else if (op == "Transpose") {
    std::vector<std::int64_t> sample_perm;
    for (const auto a : transpose_perm(n, x.shape.size())) {
      if (a != x.batch_axis) sample_perm.push_back(sample_axis(x, a));
    }
    p.from = transpose_map(sample_shape(x), sample_perm).from;
  } else if (op == "Gather") {
    const Tensor& idx = m_graph.tensor(n.inputs[1]);
    std::vector<std::int64_t> indices;
    for (const float f : idx.data) indices.push_back(to_index(f));
    p.from = gather_map(sample_shape(x), sample_axis(x, n.int_attribute("axis", 0)), indices, idx.shape).from;
  } else if (op == "Slice") {
    const SliceArguments args = slice_arguments(m_graph, n);
    const auto& starts = args.starts;
    const auto& ends = args.ends;
    const auto& axes = args.axes;
    const auto& steps = args.steps;
    std::vector<std::int64_t> s_starts, s_ends, s_axes, s_steps;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const std::int64_t a = axes[k] < 0 ? axes[k] + static_cast<std::int64_t>(x.shape.size()) : axes[k];
      if (a == x.batch_axis) continue;  // checked at import to keep every sample
      s_starts.push_back(starts[k]);
      s_ends.push_back(ends[k]);
      s_axes.push_back(sample_axis(x, a));
      s_steps.push_back(steps[k]);
    }
    p.from = slice_map(sample_shape(x), s_starts, s_ends, s_axes, s_steps).from;
  } else if (op == "Concat") {
    std::vector<Shape> shapes;
    for (const auto& name : n.inputs) shapes.push_back(sample_shape(m_graph.tensor(name)));
    p.from = concat_map(shapes, sample_axis(x, n.int_attribute("axis", 0))).from;
  } else if (op == "Softmax") {
    const auto rank = static_cast<std::int64_t>(x.shape.size());
    std::int64_t axis = n.int_attribute("axis", m_graph.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += rank;
    p.softmax_group = 1;
    for (std::int64_t k = m_graph.opset >= 13 ? rank - 1 : axis; k < rank; ++k) {
      if (k != x.batch_axis) p.softmax_group *= x.shape[static_cast<std::size_t>(k)];
    }
  }
  return p;
}

Matrix ReferenceExecutor::run_chunk(const Matrix& input, Eigen::Index first_row, std::uint64_t first_image) const {
  std::map<std::string, Matrix> values;
  values[m_graph.inputs.front()] = input;
  const auto value = [&](const std::string& name) -> const Matrix& {
    const auto it = values.find(name);
    if (it == values.end()) throw Error("node input '" + name + "' is a constant where an activation is expected");
    return it->second;
  };
  for (std::size_t index = 0; index < m_graph.nodes.size(); ++index) {
    const Node& n = m_graph.nodes[index];
    const NodePlan& p = m_plans[index];
    Matrix out;
    const std::string& op = n.op;
    if (op == "Gemm" || op == "MatMul") {
      const Matrix& a = value(n.inputs[0]);
      const std::size_t layer = m_first_layer[index];
      const Eigen::Index k = m_engine->layer_rows(layer);
      // Each sample may hold several vectors (an N-D MatMul): the engine takes them step-major.
      const Eigen::Index steps = a.cols() / k;
      Matrix vectors(a.rows() * steps, k);
      for (Eigen::Index s = 0; s < a.rows(); ++s) {
        for (Eigen::Index v = 0; v < steps; ++v) vectors.row(v * a.rows() + s) = a.row(s).segment(v * k, k);
      }
      Matrix products;
      m_engine->multiply(layer, vectors, a.rows(), first_image, 0, products);
      if (op == "Gemm" && n.inputs.size() > 2) {
        const Tensor& c = m_graph.tensor(n.inputs[2]);
        const float beta = n.float_attribute("beta", 1.0f);
        if (c.data.size() == 1) {
          products.array() += beta * c.data[0];
        } else {
          products.rowwise() += beta * constant_row(c).row(0);
        }
      }
      const Eigen::Index outputs = products.cols();
      out.resize(a.rows(), steps * outputs);
      for (Eigen::Index s = 0; s < a.rows(); ++s) {
        for (Eigen::Index v = 0; v < steps; ++v)
          out.row(s).segment(v * outputs, outputs) = products.row(v * a.rows() + s);
      }
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
      const auto columns = static_cast<Eigen::Index>(p.operands[0].size());
      // Each operand as rows x columns (an activation) or 1 x columns (a constant broadcast over the batch).
      std::array<Matrix, 2> operand;
      for (std::size_t k = 0; k < 2; ++k) {
        const Tensor& t = m_graph.tensor(n.inputs[k]);
        if (t.constant) {
          operand[k] = gather_columns(constant_row(t), p.operands[k]);
        } else {
          const Matrix& v = value(n.inputs[k]);
          operand[k] = is_identity(p.operands[k], v.cols()) ? v : gather_columns(v, p.operands[k]);
        }
      }
      const Eigen::Index rows = std::max(operand[0].rows(), operand[1].rows());
      out.resize(rows, columns);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const float* a = operand[0].row(operand[0].rows() == 1 ? 0 : r).data();
        const float* b = operand[1].row(operand[1].rows() == 1 ? 0 : r).data();
        float* o = out.row(r).data();
        if (op == "Add") {
          for (Eigen::Index j = 0; j < columns; ++j) o[j] = a[j] + b[j];
        } else {
          for (Eigen::Index j = 0; j < columns; ++j) o[j] = arithmetic(op, a[j], b[j]);
        }
      }
    } else if (op == "Transpose" || op == "Gather" || op == "Slice") {
      out = gather_columns(value(n.inputs[0]), p.from);
    } else if (op == "Concat") {
      Eigen::Index total = 0;
      for (const auto& name : n.inputs) total += value(name).cols();
      Matrix all(value(n.inputs[0]).rows(), total);
      Eigen::Index at = 0;
      for (const auto& name : n.inputs) {
        all.middleCols(at, value(name).cols()) = value(name);
        at += value(name).cols();
      }
      out = gather_columns(all, p.from);
    } else if (op == "Relu") {
      out = value(n.inputs[0]).cwiseMax(0.0f);
    } else if (op == "LeakyRelu") {
      const float alpha = n.float_attribute("alpha", 0.01f);
      out = value(n.inputs[0]).unaryExpr([alpha](float v) { return v >= 0 ? v : alpha * v; });
    } else if (op == "Sigmoid") {
      out = (1.0f / (1.0f + (-value(n.inputs[0]).array()).exp())).matrix();
    } else if (op == "Tanh") {
      out = value(n.inputs[0]).array().tanh().matrix();
    } else if (op == "Softmax") {
      out = value(n.inputs[0]);
      Eigen::Map<Matrix> groups(out.data(), out.size() / p.softmax_group, p.softmax_group);
      for (Eigen::Index r = 0; r < groups.rows(); ++r) {
        auto row = groups.row(r).array();
        row = (row - row.maxCoeff()).exp();
        row /= row.sum();
      }
    } else if (op == "Conv") {
      out = convolution(m_graph, n, value(n.inputs[0]), *m_engine, m_first_layer[index], first_image);
    } else if (op == "MaxPool" || op == "AveragePool") {
      out = pooling(m_graph, n, value(n.inputs[0]));
    } else if (op == "GlobalAveragePool") {
      out = global_average_pool(m_graph, n, value(n.inputs[0]));
    } else if (op == "BatchNormalization") {
      out = batch_normalization(m_graph, n, value(n.inputs[0]));
    } else if (op == "LSTM" || op == "GRU") {
      RecurrentOutputs r =
          run_recurrent(m_graph, n, value(n.inputs[0]), first_row, *m_engine, m_first_layer[index], first_image);
      Matrix* results[] = {&r.y, &r.y_h, &r.y_c};
      for (std::size_t k = 1; k < n.outputs.size() && k < 3; ++k) {
        if (!n.outputs[k].empty()) values[n.outputs[k]] = std::move(*results[k]);
      }
      out = std::move(r.y);
    } else {  // Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout, Cast: every sample's elements stay in order
      out = value(n.inputs[0]);
    }
    if (!n.outputs[0].empty()) values[n.outputs[0]] = std::move(out);
  }
  return value(m_graph.outputs.front());
}

Matrix ReferenceExecutor::run(const Matrix& input, int threads, std::uint64_t first_image,
                              const std::function<void(Eigen::Index)>& progress) const {
  const Eigen::Index n = input.rows();
  const Eigen::Index chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<Matrix> results(static_cast<std::size_t>(chunks));
  std::mutex progress_mutex;
  Eigen::Index rows_done = 0;
  const auto work = [&](Eigen::Index first_chunk, Eigen::Index step) {
    for (Eigen::Index c = first_chunk; c < chunks; c += step) {
      const Eigen::Index begin = c * chunk_rows;
      const Eigen::Index rows = std::min<Eigen::Index>(chunk_rows, n - begin);
      results[static_cast<std::size_t>(c)] =
          run_chunk(input.middleRows(begin, rows), begin, first_image + static_cast<std::uint64_t>(begin));
      if (progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        rows_done += rows;
        progress(rows_done);
      }
    }
  };
  const int used = std::max(1, std::min<int>(threads, static_cast<int>(chunks)));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(work, t, used);
  work(0, used);
  for (auto& t : pool) t.join();
  if (results.empty()) return Matrix();
  Matrix out(n, results.front().cols());
  for (Eigen::Index c = 0; c < chunks; ++c)
    out.middleRows(c * chunk_rows, results[static_cast<std::size_t>(c)].rows()) = results[static_cast<std::size_t>(c)];
  return out;
}

void check_dataset_fits(const Graph& graph, const Dataset& data, const std::string& model_file) {
  const Tensor& input = graph.tensor(graph.inputs.front());
  std::int64_t features = 1;
  for (std::size_t i = 0; i < input.shape.size(); ++i) {
    if (static_cast<int>(i) != input.batch_axis && input.shape[i] > 0) features *= input.shape[i];
  }
  if (features != data.samples.cols()) {
    throw InputError(model_file, 0, 0, "input '" + input.name + "'",
                     "the model takes " + std::to_string(features) + " values per sample, the data set '" + data.name +
                         "' has " + std::to_string(data.samples.cols()));
  }
}

std::vector<int> predicted_classes(const Matrix& outputs) {
  std::vector<int> classes(static_cast<std::size_t>(outputs.rows()));
  for (Eigen::Index r = 0; r < outputs.rows(); ++r) {
    Eigen::Index best = 0;
    outputs.row(r).maxCoeff(&best);
    classes[static_cast<std::size_t>(r)] = static_cast<int>(best);
  }
  return classes;
}

double accuracy_of(const std::vector<int>& classes, const std::vector<int>& labels) {
  if (classes.empty()) return 0.0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) correct += classes[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(classes.size());
}

double top1(const Matrix& outputs, const std::vector<int>& labels) {
  return accuracy_of(predicted_classes(outputs), labels);
}

}  // namespace imcsim::workloads

namespace imcsim::workloads {

void Fp32Engine::multiply(std::size_t layer, const Matrix& x, std::int64_t, std::uint64_t, std::uint32_t,
                          Matrix& y) const {
  y.noalias() = x * m_layers[layer].matrix;
}

Eigen::Index Fp32Engine::layer_rows(std::size_t layer) const { return m_layers[layer].matrix.rows(); }

}  // namespace imcsim::workloads
