#include "workloads/training/layers.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/errors.h"
#include "base/random.h"
#include "workloads/training/lstm_cell.h"

namespace imcsim::workloads::training {

namespace {

std::vector<const ProductCache*> pointers(const std::vector<ProductCache>& caches) {
  std::vector<const ProductCache*> out;
  for (const auto& c : caches) out.push_back(&c);
  return out;
}

/// Sums per-chunk matrices in chunk order.
Matrix reduce(const std::vector<Matrix>& parts) {
  Matrix sum = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) sum += parts[i];
  return sum;
}

double reduce(const std::vector<float>& parts) {
  double sum = 0;
  for (const float p : parts) sum += p;
  return sum;
}

std::vector<std::int64_t> dims(Shape s) { return {s.c, s.h, s.w}; }

Attribute ints(std::vector<std::int64_t> v) {
  Attribute a;
  a.ints = std::move(v);
  return a;
}

}  // namespace

Parameter make_parameter(const std::string& name, std::vector<std::int64_t> shape, Eigen::Index rows, Eigen::Index cols,
                         bool trainable) {
  Parameter p;
  p.name = name;
  p.shape = std::move(shape);
  p.value = Matrix::Zero(rows, cols);
  p.grad = Matrix::Zero(rows, cols);
  p.trainable = trainable;
  return p;
}

void he_normal(Matrix& w, int fan_in, std::uint64_t seed, std::uint32_t id) {
  RandomStream({seed, RandomPurpose::user, id, 1}).normal(w.data(), static_cast<std::size_t>(w.size()));
  w *= std::sqrt(2.0f / static_cast<float>(fan_in));
}

// ---- GraphWriter ----

std::string GraphWriter::node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                              const std::vector<std::int64_t>& shape, std::map<std::string, Attribute> attributes) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.outputs = {name};
  n.attributes = std::move(attributes);
  m_graph.nodes.push_back(std::move(n));
  Tensor t;
  t.name = name;
  t.shape = {-1};
  t.shape.insert(t.shape.end(), shape.begin(), shape.end());
  m_graph.tensors[name] = t;
  return name;
}

void GraphWriter::constant(const Parameter& p) {
  Tensor t;
  t.name = p.name;
  t.shape = p.shape;
  t.data.assign(p.value.data(), p.value.data() + p.value.size());
  t.constant = true;
  m_graph.tensors[p.name] = std::move(t);
}

std::string GraphWriter::reshape(const std::string& name, const std::string& input,
                                 const std::vector<std::int64_t>& shape) {
  Tensor target;
  target.name = name + ".shape";
  target.shape = {static_cast<std::int64_t>(shape.size()) + 1};
  target.data = {0.0f};
  for (const std::int64_t d : shape) target.data.push_back(static_cast<float>(d));
  target.constant = true;
  target.integer = true;
  m_graph.tensors[target.name] = target;
  return node(name, "Reshape", {input, target.name}, shape);
}

void load_tensor(const Graph& graph, Parameter& p) {
  const auto it = graph.tensors.find(p.name);
  if (it == graph.tensors.end() || !it->second.constant) {
    throw InputError(graph.name, 0, 0, "tensor '" + p.name + "'", "missing: the model has no such initializer");
  }
  if (static_cast<Eigen::Index>(it->second.data.size()) != p.value.size()) {
    throw InputError(
        graph.name, 0, 0, "tensor '" + p.name + "'",
        "has " + std::to_string(it->second.data.size()) + " values, the layer needs " + std::to_string(p.value.size()));
  }
  p.value = Eigen::Map<const Matrix>(it->second.data.data(), p.value.rows(), p.value.cols());
}

void Layer::import_from(const Graph& graph) {
  for (Parameter* p : parameters()) {
    if (!p->name.empty()) load_tensor(graph, *p);
  }
}

// ---- AnalogLayer ----

AnalogLayer::AnalogLayer(std::string name, Shape in, Parameter w, Parameter b, const HardwareAwareConfig& hwa,
                         std::uint32_t id)
    : Layer(std::move(name), in), m_w(std::move(w)), m_b(std::move(b)), m_product(hwa, id) {}

std::vector<Parameter*> AnalogLayer::parameters() {
  std::vector<Parameter*> p{&m_w};
  if (!m_b.name.empty()) p.push_back(&m_b);
  if (Parameter* r = m_product.input_range()) p.push_back(r);
  return p;
}

void AnalogLayer::begin_backward(int n) {
  m_dw.assign(static_cast<std::size_t>(n), Matrix::Zero(m_w.value.rows(), m_w.value.cols()));
  m_db.assign(static_cast<std::size_t>(n), Matrix::Zero(1, m_b.value.cols()));
  m_range_grad.assign(static_cast<std::size_t>(n), 0.0f);
}

void AnalogLayer::end_backward(const std::vector<const ProductCache*>& caches) {
  m_w.grad = reduce(m_dw);
  m_b.grad = reduce(m_db);
  m_product.set_range_gradient(reduce(m_range_grad), caches);
}

// ---- Dense ----

Dense::Dense(std::string name, int in, int out, const HardwareAwareConfig& hwa, std::uint32_t id)
    : AnalogLayer(name, {1, 1, in}, make_parameter(name + ".weight", {out, in}, out, in),
                  make_parameter(name + ".bias", {out}, 1, out), hwa, id),
      m_out(out) {
  he_normal(m_w.value, in, hwa.seed, id);
}

void Dense::forward(std::vector<Matrix>& x, const Pass& pass) {
  m_product.begin(m_w.value, pass.step, pass.training);
  const auto n = static_cast<int>(x.size());
  if (pass.training) m_cache.assign(static_cast<std::size_t>(n), {});
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix y = m_product.forward(std::move(x[k]), static_cast<std::uint64_t>(pass.first[k]),
                                 pass.training ? &m_cache[k] : nullptr);
    y.rowwise() += m_b.value.row(0);
    x[k] = std::move(y);
  });
  if (pass.training) m_product.end_forward(pointers(m_cache));
}

void Dense::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const auto n = static_cast<int>(dy.size());
  begin_backward(n);
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    m_db[k] = dy[k].colwise().sum();
    dy[k] = m_product.backward(dy[k], m_cache[k], m_dw[k], m_range_grad[k]);
  });
  end_backward(pointers(m_cache));
}

std::string Dense::export_to(GraphWriter& g, const std::string& input) const {
  g.constant(m_w);
  g.constant(m_b);
  Attribute trans_b;
  trans_b.i = 1;
  return g.node(m_name, "Gemm", {input, m_w.name, m_b.name}, {m_out}, {{"transB", trans_b}});
}

// ---- Conv2d ----

Conv2d::Conv2d(std::string name, Shape in, int out_channels, int kernel, int stride, int pad, bool bias,
               const HardwareAwareConfig& hwa, std::uint32_t id)
    : AnalogLayer(
          name, in,
          make_parameter(name + ".weight", {out_channels, in.c, kernel, kernel}, out_channels, in.c * kernel * kernel),
          make_parameter(bias ? name + ".bias" : "", {out_channels}, 1, out_channels, bias), hwa, id),
      m_out_c(out_channels),
      m_k(kernel),
      m_stride(stride),
      m_pad(pad),
      m_out_h((in.h + 2 * pad - kernel) / stride + 1),
      m_out_w((in.w + 2 * pad - kernel) / stride + 1) {
  he_normal(m_w.value, in.c * kernel * kernel, hwa.seed, id);
}

Matrix Conv2d::im2col(const Matrix& x) const {
  const int positions = m_out_h * m_out_w;
  const int patch = m_in.c * m_k * m_k;
  Matrix cols(x.rows() * positions, patch);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    const float* in = x.row(s).data();
    for (int oy = 0; oy < m_out_h; ++oy) {
      for (int ox = 0; ox < m_out_w; ++ox) {
        float* row = cols.row(s * positions + oy * m_out_w + ox).data();
        for (int c = 0; c < m_in.c; ++c) {
          for (int ky = 0; ky < m_k; ++ky) {
            const int iy = oy * m_stride - m_pad + ky;
            for (int kx = 0; kx < m_k; ++kx) {
              const int ix = ox * m_stride - m_pad + kx;
              const bool inside = iy >= 0 && iy < m_in.h && ix >= 0 && ix < m_in.w;
              *row++ = inside ? in[(c * m_in.h + iy) * m_in.w + ix] : 0.0f;
            }
          }
        }
      }
    }
  }
  return cols;
}

void Conv2d::col2im(const Matrix& cols, Matrix& dx) const {
  const int positions = m_out_h * m_out_w;
  dx.setZero();
  for (Eigen::Index s = 0; s < dx.rows(); ++s) {
    float* out = dx.row(s).data();
    for (int oy = 0; oy < m_out_h; ++oy) {
      for (int ox = 0; ox < m_out_w; ++ox) {
        const float* row = cols.row(s * positions + oy * m_out_w + ox).data();
        for (int c = 0; c < m_in.c; ++c) {
          for (int ky = 0; ky < m_k; ++ky) {
            const int iy = oy * m_stride - m_pad + ky;
            for (int kx = 0; kx < m_k; ++kx, ++row) {
              const int ix = ox * m_stride - m_pad + kx;
              if (iy >= 0 && iy < m_in.h && ix >= 0 && ix < m_in.w) out[(c * m_in.h + iy) * m_in.w + ix] += *row;
            }
          }
        }
      }
    }
  }
}

void Conv2d::forward(std::vector<Matrix>& x, const Pass& pass) {
  m_product.begin(m_w.value, pass.step, pass.training);
  const auto n = static_cast<int>(x.size());
  const int positions = m_out_h * m_out_w;
  if (pass.training) m_cache.assign(static_cast<std::size_t>(n), {});
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    const Matrix y = m_product.forward(im2col(x[k]), static_cast<std::uint64_t>(pass.first[k]) * positions,
                                       pass.training ? &m_cache[k] : nullptr);
    Matrix out(x[k].rows(), m_out_c * positions);
    for (Eigen::Index s = 0; s < out.rows(); ++s) {
      // y's rows s * positions ... are this sample's positions, its columns the output channels.
      Eigen::Map<Matrix> o(out.row(s).data(), m_out_c, positions);
      o = y.middleRows(s * positions, positions).transpose();
      if (!m_b.name.empty()) o.colwise() += m_b.value.row(0).transpose();
    }
    x[k] = std::move(out);
  });
  if (pass.training) m_product.end_forward(pointers(m_cache));
}

void Conv2d::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const auto n = static_cast<int>(dy.size());
  const int positions = m_out_h * m_out_w;
  begin_backward(n);
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix d(dy[k].rows() * positions, m_out_c);
    for (Eigen::Index s = 0; s < dy[k].rows(); ++s) {
      d.middleRows(s * positions, positions) =
          Eigen::Map<const Matrix>(dy[k].row(s).data(), m_out_c, positions).transpose();
    }
    m_db[k] = d.colwise().sum();
    const Matrix dcols = m_product.backward(d, m_cache[k], m_dw[k], m_range_grad[k]);
    Matrix dx(dy[k].rows(), m_in.size());
    col2im(dcols, dx);
    dy[k] = std::move(dx);
    m_cache[k].x.resize(0, 0);
  });
  end_backward(pointers(m_cache));
}

std::string Conv2d::export_to(GraphWriter& g, const std::string& input) const {
  g.constant(m_w);
  std::vector<std::string> inputs{input, m_w.name};
  if (!m_b.name.empty()) {
    g.constant(m_b);
    inputs.push_back(m_b.name);
  }
  return g.node(m_name, "Conv", inputs, {m_out_c, m_out_h, m_out_w},
                {{"kernel_shape", ints({m_k, m_k})},
                 {"pads", ints({m_pad, m_pad, m_pad, m_pad})},
                 {"strides", ints({m_stride, m_stride})}});
}

// ---- BatchNorm ----

BatchNorm::BatchNorm(std::string name, Shape in, double momentum, double epsilon)
    : Layer(std::move(name), in), m_momentum(momentum), m_epsilon(epsilon) {
  m_scale = make_parameter(m_name + ".scale", {in.c}, 1, in.c);
  m_scale.value.setOnes();
  m_shift = make_parameter(m_name + ".bias", {in.c}, 1, in.c);
  m_mean = make_parameter(m_name + ".mean", {in.c}, 1, in.c, false);
  m_var = make_parameter(m_name + ".var", {in.c}, 1, in.c, false);
  m_var.value.setOnes();
}

void BatchNorm::forward(std::vector<Matrix>& x, const Pass& pass) {
  const auto n = static_cast<int>(x.size());
  const int channels = m_in.c, cells = m_in.h * m_in.w;
  if (pass.training) {
    // Batch statistics: per-chunk sums, reduced in chunk order.
    std::vector<Eigen::VectorXd> sums(static_cast<std::size_t>(n)), squares(static_cast<std::size_t>(n));
    pass.pool->run(n, [&](int i) {
      const auto k = static_cast<std::size_t>(i);
      sums[k].resize(channels);
      squares[k].resize(channels);
      for (int c = 0; c < channels; ++c) {
        const auto block = x[k].middleCols(c * cells, cells).cast<double>();
        sums[k][c] = block.sum();
        squares[k][c] = block.squaredNorm();
      }
    });
    Eigen::VectorXd s = sums[0], q = squares[0];
    m_count = x[0].rows() * cells;
    for (std::size_t k = 1; k < sums.size(); ++k) {
      s += sums[k];
      q += squares[k];
      m_count += x[k].rows() * cells;
    }
    const auto count = static_cast<double>(m_count);
    m_inv_std.resize(channels);
    for (int c = 0; c < channels; ++c) {
      const double mean = s[c] / count;
      const double var = std::max(q[c] / count - mean * mean, 0.0);
      m_inv_std[c] = static_cast<float>(1.0 / std::sqrt(var + m_epsilon));
      const double unbiased = count > 1 ? var * count / (count - 1) : var;
      m_mean.value(0, c) = static_cast<float>((1 - m_momentum) * m_mean.value(0, c) + m_momentum * mean);
      m_var.value(0, c) = static_cast<float>((1 - m_momentum) * m_var.value(0, c) + m_momentum * unbiased);
    }
    m_xhat.assign(static_cast<std::size_t>(n), Matrix());
    pass.pool->run(n, [&](int i) {
      const auto k = static_cast<std::size_t>(i);
      m_xhat[k].resize(x[k].rows(), x[k].cols());
      for (int c = 0; c < channels; ++c) {
        const float mean = static_cast<float>(s[c] / count);
        m_xhat[k].middleCols(c * cells, cells) = (x[k].middleCols(c * cells, cells).array() - mean) * m_inv_std[c];
        x[k].middleCols(c * cells, cells) =
            (m_xhat[k].middleCols(c * cells, cells).array() * m_scale.value(0, c) + m_shift.value(0, c)).matrix();
      }
    });
    return;
  }
  Eigen::VectorXf a(channels), b(channels);
  for (int c = 0; c < channels; ++c) {
    a[c] = m_scale.value(0, c) / std::sqrt(m_var.value(0, c) + static_cast<float>(m_epsilon));
    b[c] = m_shift.value(0, c) - a[c] * m_mean.value(0, c);
  }
  pass.pool->run(n, [&](int i) {
    auto& xi = x[static_cast<std::size_t>(i)];
    for (int c = 0; c < channels; ++c)
      xi.middleCols(c * cells, cells).array() = xi.middleCols(c * cells, cells).array() * a[c] + b[c];
  });
}

void BatchNorm::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const auto n = static_cast<int>(dy.size());
  const int channels = m_in.c, cells = m_in.h * m_in.w;
  std::vector<Eigen::VectorXd> sum_dy(static_cast<std::size_t>(n)), sum_dy_xhat(static_cast<std::size_t>(n));
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    sum_dy[k].resize(channels);
    sum_dy_xhat[k].resize(channels);
    for (int c = 0; c < channels; ++c) {
      const auto d = dy[k].middleCols(c * cells, cells);
      sum_dy[k][c] = d.cast<double>().sum();
      sum_dy_xhat[k][c] = d.cwiseProduct(m_xhat[k].middleCols(c * cells, cells)).cast<double>().sum();
    }
  });
  Eigen::VectorXd sd = sum_dy[0], sdx = sum_dy_xhat[0];
  for (std::size_t k = 1; k < sum_dy.size(); ++k) {
    sd += sum_dy[k];
    sdx += sum_dy_xhat[k];
  }
  m_scale.grad = sdx.cast<float>().transpose();
  m_shift.grad = sd.cast<float>().transpose();
  const auto count = static_cast<float>(m_count);
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    for (int c = 0; c < channels; ++c) {
      const float g = m_scale.value(0, c) * m_inv_std[c] / count;
      auto d = dy[k].middleCols(c * cells, cells).array();
      d = g * (count * d - static_cast<float>(sd[c]) -
               m_xhat[k].middleCols(c * cells, cells).array() * static_cast<float>(sdx[c]));
    }
  });
}

std::string BatchNorm::export_to(GraphWriter& g, const std::string& input) const {
  for (const Parameter* p : {&m_scale, &m_shift, &m_mean, &m_var}) g.constant(*p);
  Attribute eps;
  eps.f = static_cast<float>(m_epsilon);
  return g.node(m_name, "BatchNormalization", {input, m_scale.name, m_shift.name, m_mean.name, m_var.name}, dims(m_in),
                {{"epsilon", eps}});
}

// ---- Relu ----

void Relu::forward(std::vector<Matrix>& x, const Pass& pass) {
  const auto n = static_cast<int>(x.size());
  pass.pool->run(n, [&](int i) {
    auto& xi = x[static_cast<std::size_t>(i)];
    xi = xi.cwiseMax(0.0f);
  });
  if (pass.training) m_y = x;
}

void Relu::backward(std::vector<Matrix>& dy, const Pass& pass) {
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    dy[k] = (m_y[k].array() > 0.0f).select(dy[k], 0.0f);
  });
}

std::string Relu::export_to(GraphWriter& g, const std::string& input) const {
  return g.node(m_name, "Relu", {input}, dims(m_in));
}

// ---- Dropout ----

Dropout::Dropout(std::string name, Shape in, double p, std::uint64_t seed, std::uint32_t id)
    : Layer(std::move(name), in), m_p(static_cast<float>(p)), m_seed(seed), m_id(id) {
  if (!(p >= 0.0 && p < 1.0)) throw ParameterError("train.dropout", "must be in [0, 1)");
}

void Dropout::forward(std::vector<Matrix>& x, const Pass& pass) {
  if (!pass.training || m_p == 0.0f) return;
  m_mask.assign(x.size(), Matrix());
  const RandomStream stream({m_seed, RandomPurpose::dropout, m_id, static_cast<std::uint32_t>(pass.step)});
  const float keep = 1.0f / (1.0f - m_p);
  pass.pool->run(static_cast<int>(x.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix u(x[k].rows(), x[k].cols());  // row-major: a sample's values are consecutive, as their positions are
    stream.uniform(u.data(), static_cast<std::size_t>(u.size()),
                   static_cast<std::uint64_t>(pass.first[k]) * static_cast<std::uint64_t>(x[k].cols()));
    m_mask[k] = (u.array() > m_p).select(Matrix::Constant(u.rows(), u.cols(), keep), 0.0f);
    x[k] = x[k].cwiseProduct(m_mask[k]);
  });
}

void Dropout::backward(std::vector<Matrix>& dy, const Pass& pass) {
  if (m_p == 0.0f) return;
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    dy[k] = dy[k].cwiseProduct(m_mask[k]);
  });
}

std::string Dropout::export_to(GraphWriter&, const std::string& input) const { return input; }

// ---- MaxPool2d ----

MaxPool2d::MaxPool2d(std::string name, Shape in, int kernel, int stride)
    : Layer(std::move(name), in),
      m_k(kernel),
      m_stride(stride),
      m_out_h((in.h - kernel) / stride + 1),
      m_out_w((in.w - kernel) / stride + 1) {}

void MaxPool2d::forward(std::vector<Matrix>& x, const Pass& pass) {
  const auto n = static_cast<int>(x.size());
  const int out_cells = m_out_h * m_out_w;
  if (pass.training) m_argmax.assign(static_cast<std::size_t>(n), {});
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix out(x[k].rows(), m_in.c * out_cells);
    Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> arg(x[k].rows(), m_in.c * out_cells);
    for (Eigen::Index s = 0; s < x[k].rows(); ++s) {
      const float* in = x[k].row(s).data();
      for (int c = 0; c < m_in.c; ++c) {
        for (int oy = 0; oy < m_out_h; ++oy) {
          for (int ox = 0; ox < m_out_w; ++ox) {
            float best = -std::numeric_limits<float>::infinity();
            int where = 0;
            for (int ky = 0; ky < m_k; ++ky) {
              for (int kx = 0; kx < m_k; ++kx) {
                const int idx = (c * m_in.h + oy * m_stride + ky) * m_in.w + ox * m_stride + kx;
                if (in[idx] > best) {
                  best = in[idx];
                  where = idx;
                }
              }
            }
            const int o = (c * m_out_h + oy) * m_out_w + ox;
            out(s, o) = best;
            arg(s, o) = where;
          }
        }
      }
    }
    x[k] = std::move(out);
    if (pass.training) m_argmax[k] = std::move(arg);
  });
}

void MaxPool2d::backward(std::vector<Matrix>& dy, const Pass& pass) {
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix dx = Matrix::Zero(dy[k].rows(), m_in.size());
    for (Eigen::Index s = 0; s < dy[k].rows(); ++s) {
      for (Eigen::Index o = 0; o < dy[k].cols(); ++o) dx(s, m_argmax[k](s, o)) += dy[k](s, o);
    }
    dy[k] = std::move(dx);
  });
}

std::string MaxPool2d::export_to(GraphWriter& g, const std::string& input) const {
  return g.node(m_name, "MaxPool", {input}, {m_in.c, m_out_h, m_out_w},
                {{"kernel_shape", ints({m_k, m_k})}, {"strides", ints({m_stride, m_stride})}});
}

// ---- GlobalAveragePool ----

void GlobalAveragePool::forward(std::vector<Matrix>& x, const Pass& pass) {
  const int cells = m_in.h * m_in.w;
  pass.pool->run(static_cast<int>(x.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix out(x[k].rows(), m_in.c);
    for (int c = 0; c < m_in.c; ++c) out.col(c) = x[k].middleCols(c * cells, cells).rowwise().mean();
    x[k] = std::move(out);
  });
}

void GlobalAveragePool::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const int cells = m_in.h * m_in.w;
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix dx(dy[k].rows(), m_in.size());
    for (int c = 0; c < m_in.c; ++c) {
      dx.middleCols(c * cells, cells) = (dy[k].col(c) / static_cast<float>(cells)).replicate(1, cells);
    }
    dy[k] = std::move(dx);
  });
}

std::string GlobalAveragePool::export_to(GraphWriter& g, const std::string& input) const {
  return g.node(m_name, "GlobalAveragePool", {input}, {m_in.c, 1, 1});
}

// ---- Flatten ----

std::string Flatten::export_to(GraphWriter& g, const std::string& input) const {
  Attribute axis;
  axis.i = 1;
  return g.node(m_name, "Flatten", {input}, {m_in.size()}, {{"axis", axis}});
}

// ---- Residual ----

Residual::Residual(std::string name, Shape in, std::vector<LayerPtr> body, std::vector<LayerPtr> shortcut)
    : Layer(std::move(name), in), m_body(std::move(body)), m_shortcut(std::move(shortcut)) {
  const Shape a = m_body.back()->output_shape();
  const Shape b = m_shortcut.empty() ? in : m_shortcut.back()->output_shape();
  if (a.c != b.c || a.h != b.h || a.w != b.w) {
    throw ParameterError("train.model", "residual block '" + m_name + "': body and shortcut shapes differ");
  }
}

void Residual::forward(std::vector<Matrix>& x, const Pass& pass) {
  std::vector<Matrix> skip = x;
  for (auto& l : m_body) l->forward(x, pass);
  for (auto& l : m_shortcut) l->forward(skip, pass);
  pass.pool->run(static_cast<int>(x.size()),
                 [&](int i) { x[static_cast<std::size_t>(i)] += skip[static_cast<std::size_t>(i)]; });
}

void Residual::backward(std::vector<Matrix>& dy, const Pass& pass) {
  std::vector<Matrix> skip = dy;
  for (auto it = m_body.rbegin(); it != m_body.rend(); ++it) (*it)->backward(dy, pass);
  for (auto it = m_shortcut.rbegin(); it != m_shortcut.rend(); ++it) (*it)->backward(skip, pass);
  pass.pool->run(static_cast<int>(dy.size()),
                 [&](int i) { dy[static_cast<std::size_t>(i)] += skip[static_cast<std::size_t>(i)]; });
}

std::vector<Parameter*> Residual::parameters() {
  std::vector<Parameter*> out;
  for (auto* part : {&m_body, &m_shortcut}) {
    for (auto& l : *part) {
      const auto p = l->parameters();
      out.insert(out.end(), p.begin(), p.end());
    }
  }
  return out;
}

void Residual::after_update() {
  for (auto& l : m_body) l->after_update();
  for (auto& l : m_shortcut) l->after_update();
}

void Residual::import_from(const Graph& graph) {
  for (auto& l : m_body) l->import_from(graph);
  for (auto& l : m_shortcut) l->import_from(graph);
}

std::string Residual::export_to(GraphWriter& g, const std::string& input) const {
  std::string a = input, b = input;
  for (const auto& l : m_body) a = l->export_to(g, a);
  for (const auto& l : m_shortcut) b = l->export_to(g, b);
  return g.node(m_name, "Add", {a, b}, dims(output_shape()));
}

// ---- Lstm ----

Lstm::Lstm(std::string name, int steps, int inputs, int hidden, const HardwareAwareConfig& hwa, std::uint32_t id,
           bool sequence)
    : AnalogLayer(name, {1, 1, steps * inputs},
                  make_parameter(name + ".weight", {4 * hidden, inputs + hidden}, 4 * hidden, inputs + hidden),
                  make_parameter(name + ".bias", {4 * hidden}, 1, 4 * hidden), hwa, id),
      m_steps(steps),
      m_inputs(inputs),
      m_hidden(hidden),
      m_sequence(sequence) {
  initialise_lstm(m_w.value, m_b.value, hwa.seed, id, hidden);
}

std::vector<const ProductCache*> Lstm::product_caches() const {
  std::vector<const ProductCache*> all;
  for (const auto& c : m_cache) {
    for (const auto& p : c.products) all.push_back(&p);
  }
  return all;
}

void Lstm::forward(std::vector<Matrix>& x, const Pass& pass) {
  m_product.begin(m_w.value, pass.step, pass.training);
  const auto n = static_cast<int>(x.size());
  const int h_n = m_hidden;
  if (pass.training) m_cache.assign(static_cast<std::size_t>(n), {});
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Cache* cache = pass.training ? &m_cache[k] : nullptr;
    if (cache) {
      cache->products.resize(static_cast<std::size_t>(m_steps));
      cache->steps.resize(static_cast<std::size_t>(m_steps));
    }
    LstmStep scratch;
    const auto product = [&](const Matrix& u, int t) {
      const std::uint64_t first = static_cast<std::uint64_t>(t) * static_cast<std::uint64_t>(pass.batch) +
                                  static_cast<std::uint64_t>(pass.first[k]);
      return m_product.forward(u, first, cache ? &cache->products[static_cast<std::size_t>(t)] : nullptr);
    };
    const auto step_of = [&](int t) -> LstmStep& {
      return cache ? cache->steps[static_cast<std::size_t>(t)] : scratch;
    };
    x[k] =
        lstm_forward(x[k], m_steps, m_inputs, h_n, m_sequence, m_b.value, product, step_of, [](int, const Matrix&) {});
  });
  if (pass.training) m_product.end_forward(product_caches());
}

void Lstm::backward(std::vector<Matrix>& dy, const Pass& pass) {
  const auto n = static_cast<int>(dy.size());
  const int h_n = m_hidden;
  begin_backward(n);
  pass.pool->run(n, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Cache& cache = m_cache[k];
    const auto step_of = [&](int t) -> const LstmStep& { return cache.steps[static_cast<std::size_t>(t)]; };
    const auto on_dz = [&](int, const Matrix& dz) { m_db[k] += dz.colwise().sum(); };
    const auto transposed = [&](const Matrix& dz, int t) {
      return m_product.backward(dz, cache.products[static_cast<std::size_t>(t)], m_dw[k], m_range_grad[k]);
    };
    dy[k] = lstm_backward(dy[k], m_steps, m_inputs, h_n, m_sequence, step_of, on_dz, transposed);
  });
  end_backward(product_caches());
}

std::string Lstm::export_to(GraphWriter& g, const std::string& input) const {
  return export_lstm(g, m_name, input, m_w.value, m_b.value, m_steps, m_inputs, m_hidden, m_sequence);
}

void Lstm::import_from(const Graph& graph) { import_lstm(graph, m_name, m_inputs, m_hidden, m_w.value, m_b.value); }

// ---- Network ----

Network::Network(std::string name, Shape input, std::vector<std::int64_t> input_dims)
    : m_name(std::move(name)), m_input(input), m_input_dims(std::move(input_dims)) {}

void Network::forward(std::vector<Matrix>& x, const Pass& pass) {
  for (auto& l : m_layers) l->forward(x, pass);
}

void Network::backward(std::vector<Matrix>& dy, const Pass& pass) {
  for (auto it = m_layers.rbegin(); it != m_layers.rend(); ++it) (*it)->backward(dy, pass);
}

std::vector<Parameter*> Network::parameters() {
  std::vector<Parameter*> out;
  for (auto& l : m_layers) {
    const auto p = l->parameters();
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

void Network::after_update() {
  for (auto& l : m_layers) l->after_update();
}

void Network::import_from(const Graph& graph) {
  for (auto& l : m_layers) l->import_from(graph);
}

Matrix Network::predict(const Matrix& samples, ChunkPool& pool, std::uint64_t first_step) {
  constexpr int group = 8 * chunk_samples;  // samples in flight at once
  const Shape out_shape = output_shape();
  Matrix out(samples.rows(), out_shape.size());
  for (Eigen::Index start = 0; start < samples.rows(); start += group) {
    const Eigen::Index rows = std::min<Eigen::Index>(group, samples.rows() - start);
    Pass pass;
    pass.pool = &pool;
    pass.batch = static_cast<int>(rows);
    pass.step = first_step + static_cast<std::uint64_t>(start / group);
    std::vector<Matrix> x;
    for (Eigen::Index c = 0; c < rows; c += chunk_samples) {
      pass.first.push_back(static_cast<int>(c));
      x.push_back(samples.middleRows(start + c, std::min<Eigen::Index>(chunk_samples, rows - c)));
    }
    forward(x, pass);
    for (std::size_t k = 0; k < x.size(); ++k) out.middleRows(start + pass.first[k], x[k].rows()) = x[k];
  }
  return out;
}

Graph Network::export_graph() const {
  Graph g;
  g.name = m_name;
  g.opset = 14;
  g.inputs = {"x"};
  Tensor x;
  x.name = "x";
  x.shape = {-1};
  x.shape.insert(x.shape.end(), m_input_dims.begin(), m_input_dims.end());
  g.tensors["x"] = x;
  GraphWriter writer(g);
  std::string out = "x";
  for (const auto& l : m_layers) out = l->export_to(writer, out);
  // The last node's output becomes "logits".
  Tensor t = g.tensors.at(out);
  g.tensors.erase(out);
  t.name = "logits";
  g.tensors["logits"] = t;
  for (auto& n : g.nodes) {
    for (auto& o : n.outputs) {
      if (o == out) o = "logits";
    }
  }
  g.outputs = {"logits"};
  return g;
}

}  // namespace imcsim::workloads::training
