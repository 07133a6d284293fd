// Shape operators, recurrent layers, BatchNormalization folding and ConvTranspose of the ONNX importer and the
// reference executor. Every model is built here with ONNX's protobuf classes and imported from its bytes; every
// result is checked against a naive computation in this file written from the ONNX operator definitions (double
// precision loops, no code shared with the executor).

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/errors.h"
#include "tests/support/thrown.h"
#include "workloads/onnx_export.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"

namespace imcsim::workloads {
namespace {

using test::thrown_by;

// ---------------------------------------------------------------------------------------------------------------
// Building models

std::vector<float> random_values(std::size_t n, std::uint32_t seed, float low = -1.0f, float high = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(gen);
  return v;
}

std::int64_t product(const std::vector<std::int64_t>& dims) {
  std::int64_t n = 1;
  for (const auto d : dims) n *= d;
  return n;
}

/// An ONNX model under construction: one graph, the default domain at `opset`.
class Model {
 public:
  explicit Model(int opset) {
    m_model.set_ir_version(8);
    m_model.add_opset_import()->set_version(opset);
    graph().set_name("graph_ops");
  }
  onnx::GraphProto& graph() { return *m_model.mutable_graph(); }

  /// A float graph input; -1 is the dynamic batch dimension.
  void input(const std::string& name, const std::vector<std::int64_t>& dims) {
    onnx::ValueInfoProto* x = graph().add_input();
    x->set_name(name);
    x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = x->mutable_type()->mutable_tensor_type()->mutable_shape();
    for (const auto d : dims) {
      if (d < 0) {
        shape->add_dim()->set_dim_param("batch");
      } else {
        shape->add_dim()->set_dim_value(d);
      }
    }
  }
  /// A float graph output (shape left to inference).
  void output(const std::string& name) {
    onnx::ValueInfoProto* y = graph().add_output();
    y->set_name(name);
    y->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }

  void floats(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values) {
    onnx::TensorProto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (const auto d : dims) t->add_dims(d);
    for (const auto v : values) t->add_float_data(v);
  }
  /// Random float initializer; returns its values.
  std::vector<float> random(const std::string& name, const std::vector<std::int64_t>& dims, std::uint32_t seed,
                            float low = -1.0f, float high = 1.0f) {
    std::vector<float> v = random_values(static_cast<std::size_t>(product(dims)), seed, low, high);
    floats(name, dims, v);
    return v;
  }
  /// INT64 initializer; empty dims make a scalar.
  void int64s(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<std::int64_t>& values) {
    onnx::TensorProto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (const auto d : dims) t->add_dims(d);
    for (const auto v : values) t->add_int64_data(v);
  }

  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + outputs.front() : name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return n;
  }

  std::string bytes() const { return m_model.SerializeAsString(); }
  Graph import() const { return import_onnx_bytes(bytes(), "graph_ops.onnx"); }

 private:
  onnx::ModelProto m_model;
};

onnx::AttributeProto* attribute(onnx::NodeProto* n, const std::string& key, onnx::AttributeProto::AttributeType type) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(key);
  a->set_type(type);
  return a;
}
void set_int(onnx::NodeProto* n, const std::string& key, std::int64_t v) {
  attribute(n, key, onnx::AttributeProto::INT)->set_i(v);
}
void set_float(onnx::NodeProto* n, const std::string& key, float v) {
  attribute(n, key, onnx::AttributeProto::FLOAT)->set_f(v);
}
void set_ints(onnx::NodeProto* n, const std::string& key, const std::vector<std::int64_t>& v) {
  onnx::AttributeProto* a = attribute(n, key, onnx::AttributeProto::INTS);
  for (const auto x : v) a->add_ints(x);
}
void set_string(onnx::NodeProto* n, const std::string& key, const std::string& v) {
  attribute(n, key, onnx::AttributeProto::STRING)->set_s(v);
}
void set_strings(onnx::NodeProto* n, const std::string& key, const std::vector<std::string>& v) {
  onnx::AttributeProto* a = attribute(n, key, onnx::AttributeProto::STRINGS);
  for (const auto& x : v) a->add_strings(x);
}

// ---------------------------------------------------------------------------------------------------------------
// The independent computation: dense row-major arrays of doubles

struct Nd {
  std::vector<std::int64_t> shape;
  std::vector<double> v;

  Nd() = default;
  explicit Nd(std::vector<std::int64_t> dims) : shape(std::move(dims)), v(static_cast<std::size_t>(product(shape))) {}
  std::size_t offset(std::initializer_list<std::int64_t> index) const {
    std::int64_t o = 0;
    std::size_t axis = 0;
    for (const auto i : index) o = o * shape[axis++] + i;
    return static_cast<std::size_t>(o);
  }
  double& at(std::initializer_list<std::int64_t> index) { return v[offset(index)]; }
  double at(std::initializer_list<std::int64_t> index) const { return v[offset(index)]; }
};

/// `rows` samples of `features` values in [-1, 1].
hw::BatchMatrix random_input(int rows, std::int64_t features, std::uint32_t seed) {
  const std::vector<float> v = random_values(static_cast<std::size_t>(rows * features), seed);
  hw::BatchMatrix x(rows, features);
  std::copy(v.begin(), v.end(), x.data());
  return x;
}

/// The executor's input matrix as an array [rows, dims...].
Nd as_nd(const hw::BatchMatrix& x, std::vector<std::int64_t> dims) {
  dims.insert(dims.begin(), x.rows());
  Nd out(dims);
  EXPECT_EQ(static_cast<std::int64_t>(out.v.size()), static_cast<std::int64_t>(x.size()));
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) out.v[static_cast<std::size_t>(r * x.cols() + c)] = x(r, c);
  }
  return out;
}

Nd weights(const std::vector<float>& values, std::vector<std::int64_t> dims) {
  Nd out(std::move(dims));
  EXPECT_EQ(out.v.size(), values.size());
  std::copy(values.begin(), values.end(), out.v.begin());
  return out;
}

/// Compares the executor's output with `expected` [rows, ...] (one sample per row, C order): relative 1e-5,
/// absolute 1e-5 for values below 1.
void expect_rows(const hw::BatchMatrix& actual, const Nd& expected, const std::string& what) {
  const std::int64_t rows = expected.shape.front();
  const std::int64_t cols = rows == 0 ? 0 : static_cast<std::int64_t>(expected.v.size()) / rows;
  ASSERT_EQ(actual.rows(), rows) << what;
  ASSERT_EQ(actual.cols(), cols) << what;
  int failures = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      const double e = expected.v[static_cast<std::size_t>(r * cols + c)];
      const double a = actual(r, c);
      if (std::fabs(a - e) > 1e-5 * std::max(1.0, std::fabs(e)) && failures++ < 8) {
        ADD_FAILURE() << what << ": sample " << r << " value " << c << ": actual " << a << " expected " << e;
      }
    }
  }
  EXPECT_EQ(failures, 0) << what << ": values outside the tolerance";
}

/// Runs one case of a loop; an exception fails that case only, and the other cases still run.
void run_case(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

int count_ops(const Graph& g, const std::string& op) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.op == op; }));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// y[n, k] = sum_j x[n, j] w[k, j] + b[k] (Gemm with transB = 1).
Nd gemm_t(const Nd& x, const std::vector<float>& w, const std::vector<float>& b) {
  const std::int64_t n = x.shape[0], in = x.shape[1], out = static_cast<std::int64_t>(b.size());
  Nd y({n, out});
  for (std::int64_t s = 0; s < n; ++s) {
    for (std::int64_t k = 0; k < out; ++k) {
      double sum = b[static_cast<std::size_t>(k)];
      for (std::int64_t j = 0; j < in; ++j) sum += x.at({s, j}) * w[static_cast<std::size_t>(k * in + j)];
      y.at({s, k}) = sum;
    }
  }
  return y;
}

struct Conv2d {
  std::int64_t group = 1;
  std::vector<std::int64_t> pads = {0, 0, 0, 0};  // top, left, bottom, right
  std::vector<std::int64_t> strides = {1, 1};
  std::vector<std::int64_t> dilations = {1, 1};
};

/// ONNX Conv on x [N, C, H, W] with w [M, C / group, KH, KW] and an optional bias [M].
Nd conv2d(const Nd& x, const Nd& w, const std::vector<float>& bias, const Conv2d& p) {
  const std::int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const std::int64_t m = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
  const std::int64_t oh = (h + p.pads[0] + p.pads[2] - ((kh - 1) * p.dilations[0] + 1)) / p.strides[0] + 1;
  const std::int64_t ow = (wd + p.pads[1] + p.pads[3] - ((kw - 1) * p.dilations[1] + 1)) / p.strides[1] + 1;
  EXPECT_EQ(cg * p.group, c);
  Nd y({n, m, oh, ow});
  for (std::int64_t s = 0; s < n; ++s) {
    for (std::int64_t o = 0; o < m; ++o) {
      const std::int64_t g = o / (m / p.group);
      for (std::int64_t oy = 0; oy < oh; ++oy) {
        for (std::int64_t ox = 0; ox < ow; ++ox) {
          double sum = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(o)];
          for (std::int64_t ci = 0; ci < cg; ++ci) {
            for (std::int64_t ky = 0; ky < kh; ++ky) {
              for (std::int64_t kx = 0; kx < kw; ++kx) {
                const std::int64_t iy = oy * p.strides[0] - p.pads[0] + ky * p.dilations[0];
                const std::int64_t ix = ox * p.strides[1] - p.pads[1] + kx * p.dilations[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += w.at({o, ci, ky, kx}) * x.at({s, g * cg + ci, iy, ix});
              }
            }
          }
          y.at({s, o, oy, ox}) = sum;
        }
      }
    }
  }
  return y;
}

struct BatchNorm {
  std::vector<float> scale, bias, mean, var;
  float epsilon = 1e-5f;
};

BatchNorm random_batch_norm(Model& m, const std::string& prefix, std::int64_t channels, std::uint32_t seed) {
  BatchNorm bn;
  bn.scale = m.random(prefix + "_scale", {channels}, seed, 0.5f, 1.5f);
  bn.bias = m.random(prefix + "_bias", {channels}, seed + 1);
  bn.mean = m.random(prefix + "_mean", {channels}, seed + 2);
  bn.var = m.random(prefix + "_var", {channels}, seed + 3, 0.2f, 2.0f);
  bn.epsilon = 1e-3f;
  return bn;
}

onnx::NodeProto* add_batch_norm(Model& m, const std::string& prefix, const std::string& in, const std::string& out) {
  onnx::NodeProto* n =
      m.node("BatchNormalization", {in, prefix + "_scale", prefix + "_bias", prefix + "_mean", prefix + "_var"}, {out},
             prefix);
  set_float(n, "epsilon", 1e-3f);
  return n;
}

/// ONNX BatchNormalization (inference) over axis 1 of x [N, C, ...].
Nd batch_norm(const Nd& x, const BatchNorm& bn) {
  Nd y = x;
  const std::int64_t n = x.shape[0], c = x.shape[1];
  const std::int64_t cells = static_cast<std::int64_t>(x.v.size()) / (n * c);
  for (std::int64_t s = 0; s < n; ++s) {
    for (std::int64_t ch = 0; ch < c; ++ch) {
      const auto k = static_cast<std::size_t>(ch);
      for (std::int64_t i = 0; i < cells; ++i) {
        double& v = y.v[static_cast<std::size_t>((s * c + ch) * cells + i)];
        v = bn.scale[k] * (v - bn.mean[k]) / std::sqrt(static_cast<double>(bn.var[k]) + bn.epsilon) + bn.bias[k];
      }
    }
  }
  return y;
}

Nd map(const Nd& x, const std::function<double(double)>& f) {
  Nd y = x;
  for (auto& v : y.v) v = f(v);
  return y;
}

// ---------------------------------------------------------------------------------------------------------------
// Recurrent layers (ONNX LSTM and GRU, default activations)

struct Recurrent {
  std::int64_t hidden = 0;
  std::string direction = "forward";
  std::vector<float> w, r, b;  // W [dirs, gates * H, I], R [dirs, gates * H, H], B [dirs, 2 * gates * H] or empty
  std::vector<float> h0, c0;   // [dirs, batch, H] or empty (zeros)
  float clip = 0.0f;           // 0: no clipping
  bool linear_before_reset = false;
};

struct RecurrentResult {
  Nd y;    // [batch, seq, dirs, hidden]: a sample's row is (seq, dirs, hidden), the executor's Y in either layout
  Nd y_h;  // [batch, dirs, hidden]
  Nd y_c;  // [batch, dirs, hidden] (LSTM only)
};

/// One recurrent layer over x [batch, seq, input]; `gates` is 4 (LSTM: i, o, f, c) or 3 (GRU: z, r, h).
RecurrentResult recurrent_reference(const Nd& x, const Recurrent& p, int gates) {
  const std::int64_t n = x.shape[0], seq = x.shape[1], in = x.shape[2], hs = p.hidden;
  const std::int64_t dirs = p.direction == "bidirectional" ? 2 : 1;
  RecurrentResult out{Nd({n, seq, dirs, hs}), Nd({n, dirs, hs}), Nd({n, dirs, hs})};
  const auto clip = [&](double v) { return p.clip > 0 ? std::clamp(v, -double{p.clip}, double{p.clip}) : v; };
  for (std::int64_t d = 0; d < dirs; ++d) {
    const bool reverse = p.direction == "reverse" || d == 1;
    const auto W = [&](std::int64_t row, std::int64_t col) {
      return double{p.w[static_cast<std::size_t>((d * gates * hs + row) * in + col)]};
    };
    const auto R = [&](std::int64_t row, std::int64_t col) {
      return double{p.r[static_cast<std::size_t>((d * gates * hs + row) * hs + col)]};
    };
    const auto Wb = [&](std::int64_t row) {
      return p.b.empty() ? 0.0 : double{p.b[static_cast<std::size_t>(d * 2 * gates * hs + row)]};
    };
    const auto Rb = [&](std::int64_t row) {
      return p.b.empty() ? 0.0 : double{p.b[static_cast<std::size_t>(d * 2 * gates * hs + gates * hs + row)]};
    };
    for (std::int64_t s = 0; s < n; ++s) {
      std::vector<double> h(static_cast<std::size_t>(hs), 0.0), c(static_cast<std::size_t>(hs), 0.0);
      for (std::int64_t j = 0; j < hs; ++j) {
        if (!p.h0.empty()) h[static_cast<std::size_t>(j)] = p.h0[static_cast<std::size_t>((d * n + s) * hs + j)];
        if (!p.c0.empty()) c[static_cast<std::size_t>(j)] = p.c0[static_cast<std::size_t>((d * n + s) * hs + j)];
      }
      for (std::int64_t step = 0; step < seq; ++step) {
        const std::int64_t t = reverse ? seq - 1 - step : step;
        // wx[row] = W x_t + Wb, rh[row] = R h_{t-1} + Rb for every gate row.
        std::vector<double> wx(static_cast<std::size_t>(gates * hs)), rh(static_cast<std::size_t>(gates * hs));
        for (std::int64_t row = 0; row < gates * hs; ++row) {
          double a = Wb(row), b = Rb(row);
          for (std::int64_t i = 0; i < in; ++i) a += W(row, i) * x.at({s, t, i});
          for (std::int64_t k = 0; k < hs; ++k) b += R(row, k) * h[static_cast<std::size_t>(k)];
          wx[static_cast<std::size_t>(row)] = a;
          rh[static_cast<std::size_t>(row)] = b;
        }
        std::vector<double> next(static_cast<std::size_t>(hs));
        const auto gate = [&](const std::vector<double>& v, std::int64_t g, std::int64_t j) {
          return v[static_cast<std::size_t>(g * hs + j)];
        };
        if (gates == 4) {
          for (std::int64_t j = 0; j < hs; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            const double ig = sigmoid(clip(gate(wx, 0, j) + gate(rh, 0, j)));
            const double og = sigmoid(clip(gate(wx, 1, j) + gate(rh, 1, j)));
            const double fg = sigmoid(clip(gate(wx, 2, j) + gate(rh, 2, j)));
            const double cg = std::tanh(clip(gate(wx, 3, j) + gate(rh, 3, j)));
            c[ju] = fg * c[ju] + ig * cg;
            next[ju] = og * std::tanh(c[ju]);
          }
        } else {
          std::vector<double> z(static_cast<std::size_t>(hs)), reset(static_cast<std::size_t>(hs));
          for (std::int64_t j = 0; j < hs; ++j) {
            z[static_cast<std::size_t>(j)] = sigmoid(clip(gate(wx, 0, j) + gate(rh, 0, j)));
            reset[static_cast<std::size_t>(j)] = sigmoid(clip(gate(wx, 1, j) + gate(rh, 1, j)));
          }
          for (std::int64_t j = 0; j < hs; ++j) {
            const auto ju = static_cast<std::size_t>(j);
            double recurrence = 0;
            if (p.linear_before_reset) {
              recurrence = reset[ju] * gate(rh, 2, j);  // r . (Rh h + Rbh)
            } else {
              recurrence = Rb(2 * hs + j);  // Rh (r . h) + Rbh
              for (std::int64_t k = 0; k < hs; ++k) {
                const auto ku = static_cast<std::size_t>(k);
                recurrence += R(2 * hs + j, k) * reset[ku] * h[ku];
              }
            }
            const double candidate = std::tanh(clip(gate(wx, 2, j) + recurrence));
            next[ju] = (1.0 - z[ju]) * candidate + z[ju] * h[ju];
          }
        }
        h = next;
        for (std::int64_t j = 0; j < hs; ++j) out.y.at({s, t, d, j}) = h[static_cast<std::size_t>(j)];
      }
      for (std::int64_t j = 0; j < hs; ++j) {
        out.y_h.at({s, d, j}) = h[static_cast<std::size_t>(j)];
        out.y_c.at({s, d, j}) = c[static_cast<std::size_t>(j)];
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reshape, Shape, Gather, Unsqueeze, Concat

TEST(GraphOps, ReshapeZeroCopiesAndMinusOneInfers) {
  Model m(13);
  m.input("x", {-1, 2, 3, 4});
  m.int64s("shape", {3}, {0, 0, -1});  // [N, 2, 12]
  m.node("Reshape", {"x", "shape"}, {"r"});
  m.int64s("shape2", {3}, {0, -1, 3});  // [N, 8, 3]
  m.node("Reshape", {"r", "shape2"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("r").shape, (std::vector<std::int64_t>{-1, 2, 12}));
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 8, 3}));
  const hw::BatchMatrix x = random_input(3, 24, 1);
  expect_rows(ReferenceExecutor(g).run(x), as_nd(x, {24}), "reshape keeps C order");
}

/// What torch.onnx.export writes for x.view(x.size(0), -1) followed by a Linear layer.
Model torch_view_model(int opset) {
  Model m(opset);
  m.input("x", {-1, 3, 2, 2});
  m.node("Shape", {"x"}, {"shape"});
  m.int64s("zero", {}, {0});
  set_int(m.node("Gather", {"shape", "zero"}, {"batch"}), "axis", 0);
  if (opset >= 13) {
    m.int64s("axes0", {1}, {0});
    m.node("Unsqueeze", {"batch", "axes0"}, {"batch1"});
  } else {
    set_ints(m.node("Unsqueeze", {"batch"}, {"batch1"}), "axes", {0});
  }
  m.int64s("minus_one", {1}, {-1});
  set_int(m.node("Concat", {"batch1", "minus_one"}, {"target"}), "axis", 0);
  m.node("Reshape", {"x", "target"}, {"flat"});
  m.random("fc_w", {4, 12}, 7);
  m.random("fc_b", {4}, 8);
  set_int(m.node("Gemm", {"flat", "fc_w", "fc_b"}, {"y"}, "fc"), "transB", 1);
  m.output("y");
  return m;
}

/// A model with every data-movement operator left as a node (their inputs are activations).
Model data_movement_model() {
  Model m(13);
  m.input("x", {-1, 4, 6});
  m.int64s("shape", {3}, {0, 6, 4});
  m.node("Reshape", {"x", "shape"}, {"r"});
  set_ints(m.node("Transpose", {"r"}, {"t"}), "perm", {0, 2, 1});
  m.int64s("starts", {2}, {1, 0});
  m.int64s("ends", {2}, {std::numeric_limits<std::int64_t>::max(), -1});
  m.int64s("axes", {2}, {1, 2});
  m.int64s("steps", {2}, {2, 1});
  m.node("Slice", {"t", "starts", "ends", "axes", "steps"}, {"s"});  // [N, 2, 5]
  m.int64s("index", {2}, {4, 0});
  set_int(m.node("Gather", {"s", "index"}, {"g"}), "axis", 2);  // [N, 2, 2]
  m.int64s("unsqueeze_axes", {1}, {1});
  m.node("Unsqueeze", {"g", "unsqueeze_axes"}, {"u"});  // [N, 1, 2, 2]
  m.node("Relu", {"u"}, {"v"});
  set_int(m.node("Concat", {"u", "v"}, {"c"}), "axis", 1);  // [N, 2, 2, 2]
  m.int64s("squeeze_axes", {1}, {-1});
  m.int64s("first", {1}, {0});
  m.int64s("one", {1}, {1});
  m.node("Slice", {"c", "first", "one", "squeeze_axes"}, {"c1"});  // [N, 2, 2, 1]
  m.node("Squeeze", {"c1", "squeeze_axes"}, {"y"});                // [N, 2, 2]
  m.output("y");
  return m;
}

TEST(GraphOps, ReshapeTorchFlattenPattern) {
  for (const int opset : {11, 13}) {
    SCOPED_TRACE("opset " + std::to_string(opset));
    const Graph g = torch_view_model(opset).import();
    EXPECT_EQ(g.tensor("flat").shape, (std::vector<std::int64_t>{-1, 12}));
    EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 4}));
    const hw::BatchMatrix x = random_input(3, 12, 2);
    const Nd expected = gemm_t(as_nd(x, {12}), random_values(48, 7), random_values(4, 8));
    expect_rows(ReferenceExecutor(g).run(x), expected, "view + Linear");
    // Same numbers for a batch of 1 and a batch that spans several executor chunks.
    const hw::BatchMatrix big = random_input(ReferenceExecutor::chunk_rows + 5, 12, 3);
    expect_rows(ReferenceExecutor(g).run(big, 2), gemm_t(as_nd(big, {12}), random_values(48, 7), random_values(4, 8)),
                "view + Linear, two chunks");
  }
}

TEST(GraphOps, ReshapeOfConstantIsFolded) {
  Model m(13);
  m.input("x", {-1, 2, 3});
  const std::vector<float> c = m.random("c", {6}, 4);
  m.int64s("shape", {2}, {2, 3});
  m.node("Reshape", {"c", "shape"}, {"c23"});
  m.node("Add", {"x", "c23"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_TRUE(g.tensor("c23").constant);
  EXPECT_EQ(g.tensor("c23").shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(count_ops(g, "Reshape"), 0);
  const hw::BatchMatrix x = random_input(3, 6, 5);
  Nd expected = as_nd(x, {6});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t i = 0; i < 6; ++i) expected.at({s, i}) += c[static_cast<std::size_t>(i)];
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x + reshape(c)");
}

TEST(GraphOps, ShapeOfActivationKeepsTheBatchSymbolic) {
  // flat = Relu(Flatten(x)); y = Reshape(flat, Concat(Shape(flat)[0:1], Shape(x)[1:end])): back to [N, 3, 4].
  // torch writes x.shape[1:] with end INT64_MAX; end 3 is the same slice.
  for (const std::int64_t end : {std::int64_t{3}, std::numeric_limits<std::int64_t>::max()}) {
    SCOPED_TRACE("end " + std::to_string(end));
    run_case([&] {
      Model m(13);
      m.input("x", {-1, 3, 4});
      m.node("Flatten", {"x"}, {"f"});
      m.node("Relu", {"f"}, {"flat"});
      m.node("Shape", {"flat"}, {"flat_shape"});
      m.node("Shape", {"x"}, {"x_shape"});
      m.int64s("s0", {1}, {0});
      m.int64s("s1", {1}, {1});
      m.int64s("end", {1}, {end});
      m.node("Slice", {"flat_shape", "s0", "s1"}, {"batch"});
      m.node("Slice", {"x_shape", "s1", "end"}, {"rest"});
      set_int(m.node("Concat", {"batch", "rest"}, {"target"}), "axis", 0);
      m.node("Reshape", {"flat", "target"}, {"y"});
      m.output("y");
      const Graph g = m.import();
      // The shape arithmetic is folded at import: only the layers and the Reshape of the activation remain.
      EXPECT_EQ(count_ops(g, "Shape"), 0);
      EXPECT_EQ(count_ops(g, "Slice"), 0);
      EXPECT_EQ(count_ops(g, "Concat"), 0);
      EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 3, 4}));
      const hw::BatchMatrix x = random_input(3, 12, 6);
      expect_rows(ReferenceExecutor(g).run(x), map(as_nd(x, {12}), [](double v) { return std::max(v, 0.0); }),
                  "reshape to Shape(x)");
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Transpose, Squeeze, Unsqueeze

TEST(GraphOps, TransposeWithinSampleAndOfTheBatchAxis) {
  Model m(13);
  m.input("x", {-1, 2, 3, 4});
  set_ints(m.node("Transpose", {"x"}, {"y"}), "perm", {0, 3, 1, 2});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 4, 2, 3}));
  const hw::BatchMatrix x = random_input(3, 24, 7);
  const Nd xs = as_nd(x, {2, 3, 4});
  Nd expected({3, 4, 2, 3});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t a = 0; a < 4; ++a) {
      for (std::int64_t b = 0; b < 2; ++b) {
        for (std::int64_t c = 0; c < 3; ++c) expected.at({s, a, b, c}) = xs.at({s, b, c, a});
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "perm 0 3 1 2");

  // perm [2, 0, 1] on [N, 2, 3]: the output [3, N, 2] carries the batch on axis 1; a sample's row is its 3 x 2
  // values: row[a * 2 + b] = x[n, b, a].
  Model m2(13);
  m2.input("x", {-1, 2, 3});
  set_ints(m2.node("Transpose", {"x"}, {"y"}), "perm", {2, 0, 1});
  m2.output("y");
  const Graph g2 = m2.import();
  EXPECT_EQ(g2.tensor("y").shape, (std::vector<std::int64_t>{3, -1, 2}));
  const hw::BatchMatrix x2 = random_input(3, 6, 8);
  const Nd xs2 = as_nd(x2, {2, 3});
  Nd expected2({3, 3, 2});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t a = 0; a < 3; ++a) {
      for (std::int64_t b = 0; b < 2; ++b) expected2.at({s, a, b}) = xs2.at({s, b, a});
    }
  }
  expect_rows(ReferenceExecutor(g2).run(x2), expected2, "perm 2 0 1");
}

TEST(GraphOps, SqueezeUnsqueezeAxesAsAttributeAndAsInput) {
  for (const int opset : {11, 13}) {
    SCOPED_TRACE("opset " + std::to_string(opset));
    Model m(opset);
    m.input("x", {-1, 1, 3, 1, 2});
    if (opset >= 13) {
      m.int64s("sq_axes", {2}, {1, -2});
      m.node("Squeeze", {"x", "sq_axes"}, {"s"});
      m.int64s("unsq_axes", {2}, {-1, 1});
      m.node("Unsqueeze", {"s", "unsq_axes"}, {"u"});
    } else {
      set_ints(m.node("Squeeze", {"x"}, {"s"}), "axes", {1, -2});
      set_ints(m.node("Unsqueeze", {"s"}, {"u"}), "axes", {-1, 1});
    }
    m.random("w", {6, 2}, 9);
    m.node("Flatten", {"u"}, {"f"});
    m.node("MatMul", {"f", "w"}, {"y"});
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(g.tensor("s").shape, (std::vector<std::int64_t>{-1, 3, 2}));
    EXPECT_EQ(g.tensor("u").shape, (std::vector<std::int64_t>{-1, 1, 3, 2, 1}));
    const hw::BatchMatrix x = random_input(3, 6, 10);
    const Nd xs = as_nd(x, {6});
    const std::vector<float> w = random_values(12, 9);
    Nd expected({3, 2});
    for (std::int64_t s = 0; s < 3; ++s) {
      for (std::int64_t k = 0; k < 2; ++k) {
        for (std::int64_t j = 0; j < 6; ++j)
          expected.at({s, k}) += xs.at({s, j}) * w[static_cast<std::size_t>(j * 2 + k)];
      }
    }
    expect_rows(ReferenceExecutor(g).run(x), expected, "squeeze, unsqueeze, matmul");
  }
}

TEST(GraphOps, TransposeWithoutPermReversesTheAxes) {
  // [N, 2, 3] -> [3, 2, N]: the batch ends up last; a sample's row is its 3 x 2 values, row[a * 2 + b] = x[n, b, a].
  Model m(13);
  m.input("x", {-1, 2, 3});
  m.node("Transpose", {"x"}, {"t"});
  m.node("Sigmoid", {"t"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{3, 2, -1}));
  const hw::BatchMatrix x = random_input(3, 6, 25);
  const Nd xs = as_nd(x, {2, 3});
  Nd expected({3, 3, 2});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t a = 0; a < 3; ++a) {
      for (std::int64_t b = 0; b < 2; ++b) expected.at({s, a, b}) = sigmoid(xs.at({s, b, a}));
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "Sigmoid(Transpose(x))");
}

// ---------------------------------------------------------------------------------------------------------------
// Concat, Gather, Slice

TEST(GraphOps, ConcatOfActivationsAlongNonBatchAxes) {
  for (const std::int64_t axis : {1, 2, -1}) {
    SCOPED_TRACE("axis " + std::to_string(axis));
    Model m(13);
    m.input("x", {-1, 2, 3});
    m.node("Relu", {"x"}, {"a"});
    m.floats("k", {1}, {-2.0f});
    m.node("Mul", {"x", "k"}, {"b"});
    set_int(m.node("Concat", {"a", "b", "x"}, {"y"}), "axis", axis);
    m.output("y");
    const Graph g = m.import();
    const bool channels = axis == 1;
    EXPECT_EQ(g.tensor("y").shape,
              (channels ? std::vector<std::int64_t>{-1, 6, 3} : std::vector<std::int64_t>{-1, 2, 9}));
    const hw::BatchMatrix x = random_input(3, 6, 11);
    const Nd xs = as_nd(x, {2, 3});
    Nd expected(channels ? std::vector<std::int64_t>{3, 6, 3} : std::vector<std::int64_t>{3, 2, 9});
    for (std::int64_t s = 0; s < 3; ++s) {
      for (std::int64_t i = 0; i < 2; ++i) {
        for (std::int64_t j = 0; j < 3; ++j) {
          const double v = xs.at({s, i, j});
          const double parts[3] = {std::max(v, 0.0), -2.0 * v, v};
          for (int part = 0; part < 3; ++part) {
            if (channels) {
              expected.at({s, part * 2 + i, j}) = parts[part];
            } else {
              expected.at({s, i, part * 3 + j}) = parts[part];
            }
          }
        }
      }
    }
    expect_rows(ReferenceExecutor(g).run(x), expected, "concat");
  }
}

TEST(GraphOps, ConcatOfConstantsIsFolded) {
  Model m(13);
  m.input("x", {-1, 3});
  const std::vector<float> a = m.random("a", {3, 2}, 12);
  const std::vector<float> b = m.random("b", {3, 1}, 13);
  set_int(m.node("Concat", {"a", "b"}, {"w"}), "axis", 1);
  m.node("MatMul", {"x", "w"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_TRUE(g.tensor("w").constant);
  EXPECT_EQ(g.tensor("w").shape, (std::vector<std::int64_t>{3, 3}));
  const hw::BatchMatrix x = random_input(3, 3, 14);
  const Nd xs = as_nd(x, {3});
  Nd expected({3, 3});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t k = 0; k < 3; ++k) {
      for (std::int64_t j = 0; j < 3; ++j) {
        const double w = k < 2 ? a[static_cast<std::size_t>(j * 2 + k)] : b[static_cast<std::size_t>(j)];
        expected.at({s, k}) += xs.at({s, j}) * w;
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x @ concat(a, b)");
}

TEST(GraphOps, GatherTimeStepAndIndexListOnActivations) {
  const hw::BatchMatrix x = random_input(3, 5 * 4, 15);
  const Nd xs = as_nd(x, {5, 4});
  {
    SCOPED_TRACE("scalar index -1 on axis 1: the last time step");
    Model m(13);
    m.input("x", {-1, 5, 4});
    m.int64s("last", {}, {-1});
    set_int(m.node("Gather", {"x", "last"}, {"y"}), "axis", 1);
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 4}));
    Nd expected({3, 4});
    for (std::int64_t s = 0; s < 3; ++s) {
      for (std::int64_t j = 0; j < 4; ++j) expected.at({s, j}) = xs.at({s, 4, j});
    }
    expect_rows(ReferenceExecutor(g).run(x), expected, "x[:, -1]");
  }
  {
    SCOPED_TRACE("1-D indices on axis 1 and on axis 2");
    Model m(13);
    m.input("x", {-1, 5, 4});
    m.int64s("steps", {3}, {3, 0, 3});
    set_int(m.node("Gather", {"x", "steps"}, {"t"}), "axis", 1);
    m.int64s("features", {2}, {-1, 1});
    set_int(m.node("Gather", {"t", "features"}, {"y"}), "axis", 2);
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(g.tensor("t").shape, (std::vector<std::int64_t>{-1, 3, 4}));
    EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 3, 2}));
    Nd expected({3, 3, 2});
    const std::int64_t steps[3] = {3, 0, 3}, features[2] = {3, 1};
    for (std::int64_t s = 0; s < 3; ++s) {
      for (std::int64_t i = 0; i < 3; ++i) {
        for (std::int64_t j = 0; j < 2; ++j) expected.at({s, i, j}) = xs.at({s, steps[i], features[j]});
      }
    }
    expect_rows(ReferenceExecutor(g).run(x), expected, "x[:, [3, 0, 3]][:, :, [-1, 1]]");
  }
  {
    SCOPED_TRACE("Gather of a constant (an embedding table) is folded");
    Model m(13);
    m.input("x", {-1, 3});
    const std::vector<float> table = m.random("table", {4, 3}, 16);
    m.int64s("rows", {2}, {2, 0});
    set_int(m.node("Gather", {"table", "rows"}, {"picked"}), "axis", 0);
    set_int(m.node("Gemm", {"x", "picked"}, {"y"}, "fc"), "transB", 1);
    m.output("y");
    const Graph g = m.import();
    EXPECT_TRUE(g.tensor("picked").constant);
    EXPECT_EQ(g.tensor("picked").shape, (std::vector<std::int64_t>{2, 3}));
    const hw::BatchMatrix xe = random_input(3, 3, 17);
    std::vector<float> picked(table.begin() + 6, table.begin() + 9);
    picked.insert(picked.end(), table.begin(), table.begin() + 3);
    expect_rows(ReferenceExecutor(g).run(xe), gemm_t(as_nd(xe, {3}), picked, {0.0f, 0.0f}), "x @ table[[2, 0]]^T");
  }
}

TEST(GraphOps, GatherWithTwoDimensionalIndices) {
  // indices [2, 2] on axis 1 of [N, 5, 3]: output [N, 2, 2, 3].
  Model m(13);
  m.input("x", {-1, 5, 3});
  m.int64s("idx", {2, 2}, {4, 0, -2, 1});
  set_int(m.node("Gather", {"x", "idx"}, {"y"}), "axis", 1);
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 2, 2, 3}));
  const hw::BatchMatrix x = random_input(3, 15, 26);
  const Nd xs = as_nd(x, {5, 3});
  const std::int64_t idx[2][2] = {{4, 0}, {3, 1}};
  Nd expected({3, 2, 2, 3});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t a = 0; a < 2; ++a) {
      for (std::int64_t b = 0; b < 2; ++b) {
        for (std::int64_t j = 0; j < 3; ++j) expected.at({s, a, b, j}) = xs.at({s, idx[a][b], j});
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x[:, [[4, 0], [-2, 1]]]");
}

TEST(GraphOps, SliceNegativeIndicesStepsAndIntMaxEnds) {
  constexpr std::int64_t big = std::numeric_limits<std::int64_t>::max();
  Model m(13);
  m.input("x", {-1, 6, 5});
  // Axis 1: 1, 3, 5 (step 2, end INT64_MAX); axis 2 (as -1): -4 .. -1 exclusive = 1, 2, 3.
  m.int64s("starts", {2}, {1, -4});
  m.int64s("ends", {2}, {big, -1});
  m.int64s("axes", {2}, {1, -1});
  m.int64s("steps", {2}, {2, 1});
  m.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"a"});
  // Reverse axis 2 with step -1 from the end to INT64_MIN; axes and steps omitted would mean all axes, step 1.
  m.int64s("rs", {1}, {-1});
  m.int64s("re", {1}, {std::numeric_limits<std::int64_t>::min()});
  m.int64s("ra", {1}, {2});
  m.int64s("rstep", {1}, {-1});
  m.node("Slice", {"a", "rs", "re", "ra", "rstep"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("a").shape, (std::vector<std::int64_t>{-1, 3, 3}));
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 3, 3}));
  const hw::BatchMatrix x = random_input(3, 30, 18);
  const Nd xs = as_nd(x, {6, 5});
  Nd expected({3, 3, 3});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t i = 0; i < 3; ++i) {
      for (std::int64_t j = 0; j < 3; ++j) expected.at({s, i, j}) = xs.at({s, 1 + 2 * i, 3 - j});
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x[:, 1::2, -4:-1][:, :, ::-1]");
}

TEST(GraphOps, SliceOfAConstantIsFoldedAndAxesDefault) {
  // Without axes, starts [1] / ends [-1] slice axis 0: rows 1 and 2 of w [4, 3]. On x, axes [1] gives x[:, 1:3].
  Model m(13);
  m.input("x", {-1, 4});
  m.int64s("starts", {1}, {1});
  m.int64s("ends", {1}, {3});
  m.int64s("axes", {1}, {1});
  m.node("Slice", {"x", "starts", "ends", "axes"}, {"a"});
  const std::vector<float> w = m.random("w", {4, 3}, 19);
  m.int64s("wstarts", {1}, {1});
  m.int64s("wends", {1}, {-1});
  m.node("Slice", {"w", "wstarts", "wends"}, {"w2"});
  m.node("MatMul", {"a", "w2"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("a").shape, (std::vector<std::int64_t>{-1, 2}));
  EXPECT_TRUE(g.tensor("w2").constant);
  EXPECT_EQ(g.tensor("w2").shape, (std::vector<std::int64_t>{2, 3}));
  const hw::BatchMatrix x = random_input(3, 4, 20);
  const Nd xs = as_nd(x, {4});
  Nd expected({3, 3});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t k = 0; k < 3; ++k) {
      for (std::int64_t j = 0; j < 2; ++j)
        expected.at({s, k}) += xs.at({s, 1 + j}) * w[static_cast<std::size_t>((1 + j) * 3 + k)];
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x[:, 1:3] @ w[1:-1]");
}

TEST(GraphOps, SliceWithoutAxesKeepsAWholeBatchAxisOrIsRejected) {
  // No axes: starts / ends cover every axis from 0, the batch included; 0 .. INT64_MAX keeps it whole. An importer
  // may refuse any Slice of the batch axis, with an error naming the node.
  Model m(13);
  m.input("x", {-1, 4});
  m.int64s("starts", {2}, {0, 1});
  m.int64s("ends", {2}, {std::numeric_limits<std::int64_t>::max(), 3});
  m.node("Slice", {"x", "starts", "ends"}, {"y"}, "slice");
  m.output("y");
  Graph g;
  try {
    g = m.import();
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.key(), "node 'slice' (Slice)")) << e.what();
    return;
  }
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 2}));
  const hw::BatchMatrix x = random_input(3, 4, 24);
  const Nd xs = as_nd(x, {4});
  Nd expected({3, 2});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t j = 0; j < 2; ++j) expected.at({s, j}) = xs.at({s, 1 + j});
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "x[0:, 1:3]");
}

TEST(GraphOps, ShapeOperatorsWhenTheBatchIsNotTheFirstAxis) {
  // t = Transpose(x [N, 2, 6], perm 1 0 2) is [2, N, 6]: Reshape with 0s keeps the batch in the middle, Concat and
  // Slice work on axis 0, Unsqueeze(0) / Squeeze(0) move the batch to axis 2 and back.
  Model m(13);
  m.input("x", {-1, 2, 6});
  set_ints(m.node("Transpose", {"x"}, {"t"}), "perm", {1, 0, 2});
  m.int64s("shape", {4}, {0, 0, 3, 2});
  m.node("Reshape", {"t", "shape"}, {"r"});  // [2, N, 3, 2]
  m.node("Tanh", {"r"}, {"h"});
  set_int(m.node("Concat", {"r", "h"}, {"c"}), "axis", 0);  // [4, N, 3, 2]: r[0], r[1], tanh r[0], tanh r[1]
  m.int64s("starts", {1}, {-1});
  m.int64s("ends", {1}, {-4});
  m.int64s("axes", {1}, {0});
  m.int64s("steps", {1}, {-2});
  m.node("Slice", {"c", "starts", "ends", "axes", "steps"}, {"s"});  // c[3], c[1]: [2, N, 3, 2]
  m.node("Unsqueeze", {"s", "axes"}, {"u"});                         // [1, 2, N, 3, 2]
  m.node("Squeeze", {"u", "axes"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("r").shape, (std::vector<std::int64_t>{2, -1, 3, 2}));
  EXPECT_EQ(g.tensor("c").shape, (std::vector<std::int64_t>{4, -1, 3, 2}));
  EXPECT_EQ(g.tensor("u").shape, (std::vector<std::int64_t>{1, 2, -1, 3, 2}));
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{2, -1, 3, 2}));
  const hw::BatchMatrix x = random_input(3, 12, 28);
  const Nd xs = as_nd(x, {2, 6});
  Nd expected({3, 2, 6});
  for (std::int64_t n = 0; n < 3; ++n) {
    for (std::int64_t j = 0; j < 6; ++j) {
      expected.at({n, 0, j}) = std::tanh(xs.at({n, 1, j}));  // c[3] = tanh r[1]
      expected.at({n, 1, j}) = xs.at({n, 1, j});             // c[1] = r[1]
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "shape operators around a middle batch axis");
}

TEST(GraphOps, ElementwiseBroadcasting) {
  // x [N, 3, 4] * c [3, 1] - d [4] / e [] + x[:, 0:1, :] (an activation broadcast along axis 1).
  Model m(13);
  m.input("x", {-1, 3, 4});
  const std::vector<float> c = m.random("c", {3, 1}, 29);
  const std::vector<float> d = m.random("d", {4}, 30);
  m.floats("e", {}, {4.0f});
  m.node("Mul", {"x", "c"}, {"xc"});
  m.node("Div", {"d", "e"}, {"de"});  // folded: both constants
  m.node("Sub", {"xc", "de"}, {"a"});
  m.int64s("zero", {1}, {0});
  m.int64s("one", {1}, {1});
  m.node("Slice", {"x", "zero", "one", "one"}, {"row0"});  // [N, 1, 4]
  m.node("Add", {"a", "row0"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 3, 4}));
  const hw::BatchMatrix x = random_input(3, 12, 31);
  const Nd xs = as_nd(x, {3, 4});
  Nd expected({3, 3, 4});
  for (std::int64_t n = 0; n < 3; ++n) {
    for (std::int64_t i = 0; i < 3; ++i) {
      for (std::int64_t j = 0; j < 4; ++j) {
        expected.at({n, i, j}) =
            xs.at({n, i, j}) * c[static_cast<std::size_t>(i)] - d[static_cast<std::size_t>(j)] / 4.0 + xs.at({n, 0, j});
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "broadcast");
}

// ---------------------------------------------------------------------------------------------------------------
// Elementwise activations, Softmax, Flatten, Identity, Dropout

TEST(GraphOps, ActivationsIdentityDropoutAndLeakyReluAlpha) {
  Model m(13);
  m.input("x", {-1, 2, 3});
  m.node("Identity", {"x"}, {"i"});
  m.node("Dropout", {"i"}, {"d"});
  set_float(m.node("LeakyRelu", {"d"}, {"l"}), "alpha", 0.2f);
  m.node("LeakyRelu", {"l"}, {"l2"});  // default alpha 0.01
  m.floats("three", {1}, {3.0f});
  m.node("Mul", {"l2", "three"}, {"s3"});
  m.node("Sigmoid", {"s3"}, {"sg"});
  m.node("Tanh", {"s3"}, {"th"});
  m.node("Sub", {"sg", "th"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  const hw::BatchMatrix x = random_input(3, 6, 21);
  const Nd expected = map(as_nd(x, {6}), [](double v) {
    double l = v >= 0 ? v : static_cast<double>(0.2f) * v;
    l = l >= 0 ? l : static_cast<double>(0.01f) * l;
    return sigmoid(3 * l) - std::tanh(3 * l);
  });
  expect_rows(ReferenceExecutor(g).run(x), expected, "activation chain");
}

/// x [batch, 6] -> HardSigmoid (node 'hs') -> y, with `attributes` set on the node.
Model hard_sigmoid_model(const std::function<void(onnx::NodeProto*)>& attributes) {
  Model m(13);
  m.input("x", {-1, 6});
  attributes(m.node("HardSigmoid", {"x"}, {"y"}, "hs"));
  m.output("y");
  return m;
}

TEST(GraphOps, HardSigmoidDefaultsAttributesAndRejections) {
  hw::BatchMatrix x(1, 6);
  x << -3.0f, -1.0f, 0.0f, 0.5f, 1.0f, 3.0f;
  // Defaults alpha 0.2, beta 0.5: max(0, min(1, 0.2 x + 0.5)).
  const Graph g = hard_sigmoid_model([](onnx::NodeProto*) {}).import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 6}));
  EXPECT_EQ(g.tensor("y").batch_axis, 0);
  expect_rows(ReferenceExecutor(g).run(x), weights({0.0f, 0.3f, 0.5f, 0.6f, 0.7f, 1.0f}, {1, 6}), "defaults");
  // alpha 0.5, beta 0.25: -1.25 -> 0, -0.25 -> 0, 0.25, 0.5, 0.75, 1.75 -> 1.
  const Graph given = hard_sigmoid_model([](onnx::NodeProto* n) {
                        set_float(n, "alpha", 0.5f);
                        set_float(n, "beta", 0.25f);
                      }).import();
  expect_rows(ReferenceExecutor(given).run(x), weights({0.0f, 0.0f, 0.25f, 0.5f, 0.75f, 1.0f}, {1, 6}), "given");

  const auto rejected = [](const std::function<void(onnx::NodeProto*)>& attributes) {
    return thrown_by([&] { hard_sigmoid_model(attributes).import(); });
  };
  const InputError unknown = rejected([](onnx::NodeProto* n) { set_float(n, "gamma", 1.0f); });
  EXPECT_EQ(unknown.key(), "node 'hs' (HardSigmoid) attribute 'gamma'");
  EXPECT_TRUE(contains(unknown.what(), "unsupported attribute")) << unknown.what();
  const InputError infinite =
      rejected([](onnx::NodeProto* n) { set_float(n, "alpha", std::numeric_limits<float>::infinity()); });
  EXPECT_EQ(infinite.key(), "node 'hs' (HardSigmoid) attribute 'alpha'");
  EXPECT_TRUE(contains(infinite.what(), "must be finite")) << infinite.what();
  const InputError integer = rejected([](onnx::NodeProto* n) { set_int(n, "beta", 1); });
  EXPECT_EQ(integer.key(), "node 'hs' (HardSigmoid) attribute 'beta'");
  EXPECT_TRUE(contains(integer.what(), "must be a float")) << integer.what();
}

TEST(GraphOps, SoftmaxOpset13LastAxisAndFlatten) {
  Model m(13);
  m.input("x", {-1, 2, 5});
  m.floats("k", {1}, {4.0f});
  m.node("Mul", {"x", "k"}, {"s"});
  set_int(m.node("Softmax", {"s"}, {"p"}), "axis", -1);
  m.node("Flatten", {"p"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 10}));
  const hw::BatchMatrix x = random_input(3, 10, 22);
  const Nd xs = as_nd(x, {2, 5});
  Nd expected({3, 2, 5});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t r = 0; r < 2; ++r) {
      double sum = 0;
      for (std::int64_t j = 0; j < 5; ++j) sum += std::exp(4 * xs.at({s, r, j}));
      for (std::int64_t j = 0; j < 5; ++j) expected.at({s, r, j}) = std::exp(4 * xs.at({s, r, j})) / sum;
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "softmax over the last axis");
}

TEST(GraphOps, SoftmaxOpset11CoercesToTwoDimensionsOrIsRejected) {
  // Before opset 13, Softmax(axis 1) on [N, 2, 5] is a softmax over all 10 values of a sample.
  Model m(11);
  m.input("x", {-1, 2, 5});
  set_int(m.node("Softmax", {"x"}, {"y"}, "softmax"), "axis", 1);
  m.output("y");
  const hw::BatchMatrix x = random_input(3, 10, 23);
  try {
    const Graph g = m.import();
    const ReferenceExecutor exec(g);
    Nd expected = as_nd(x, {10});
    for (std::int64_t s = 0; s < 3; ++s) {
      double sum = 0;
      for (std::int64_t j = 0; j < 10; ++j) sum += std::exp(expected.at({s, j}));
      for (std::int64_t j = 0; j < 10; ++j) expected.at({s, j}) = std::exp(expected.at({s, j})) / sum;
    }
    expect_rows(exec.run(x), expected, "opset-11 softmax over axes 1..");
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.key(), "node 'softmax' (Softmax)")) << e.what();
    EXPECT_TRUE(contains(e.key(), "axis")) << e.what();
  }
}

TEST(GraphOps, SoftmaxOnAMiddleAxisRunsOrIsRejected) {
  // Opset 13, axis 1 of [N, 3, 4]: each of the 4 columns is normalised over the 3 rows.
  Model m(13);
  m.input("x", {-1, 3, 4});
  set_int(m.node("Softmax", {"x"}, {"y"}, "softmax"), "axis", 1);
  m.output("y");
  const hw::BatchMatrix x = random_input(3, 12, 27);
  Graph g;
  try {
    g = m.import();
    const ReferenceExecutor exec(g);
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.key(), "node 'softmax' (Softmax) attribute 'axis'")) << e.what();
    return;
  }
  const Nd xs = as_nd(x, {3, 4});
  Nd expected({3, 3, 4});
  for (std::int64_t s = 0; s < 3; ++s) {
    for (std::int64_t c = 0; c < 4; ++c) {
      double sum = 0;
      for (std::int64_t r = 0; r < 3; ++r) sum += std::exp(xs.at({s, r, c}));
      for (std::int64_t r = 0; r < 3; ++r) expected.at({s, r, c}) = std::exp(xs.at({s, r, c})) / sum;
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "softmax over axis 1");
}

TEST(GraphOps, FlattenAcrossTheBatchIsRejected) {
  // Flatten(axis 2) of [N, 2, 3, 4] merges the batch into the rows: [N * 2, 12]. Not a per-sample operation.
  Model m(13);
  m.input("x", {-1, 2, 3, 4});
  set_int(m.node("Flatten", {"x"}, {"y"}, "flatten"), "axis", 2);
  m.output("y");
  const InputError e = thrown_by([&] { const ReferenceExecutor exec(m.import()); });
  EXPECT_TRUE(contains(e.key(), "node 'flatten' (Flatten)")) << e.what();
}

// ---------------------------------------------------------------------------------------------------------------
// LSTM and GRU

/// Initial states of a recurrent layer: omitted, constant zeros, constant random values, or the zeros torch
/// writes for a dynamic batch (ConstantOfShape of [dirs, Shape(x)[0], hidden]).
enum class Initial { none, zeros, random, zeros_of_batch_shape };

struct RnnModel {
  Model model;
  Recurrent p;
};

/// An LSTM or GRU (op) on the graph input x [batch, seq, input]. layout 0 goes through Transpose (what torch
/// writes for batch_first before opset 14), layout 1 feeds x directly. `outputs` are Y, Y_h, Y_c (empty: not
/// produced); the first non-empty one is the graph output.
RnnModel rnn_model(const std::string& op, int layout, std::int64_t batch, std::int64_t seq, std::int64_t in,
                   std::int64_t hidden, const std::string& direction, bool bias, Initial initial,
                   const std::vector<std::string>& outputs, std::uint32_t seed) {
  const int gates = op == "LSTM" ? 4 : 3;
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  RnnModel r{Model(14), {}};
  Model& m = r.model;
  r.p.hidden = hidden;
  r.p.direction = direction;
  m.input("x", {batch, seq, in});
  std::string x = "x";
  if (layout == 0) {
    set_ints(m.node("Transpose", {"x"}, {"x_t"}), "perm", {1, 0, 2});
    x = "x_t";
  }
  r.p.w = m.random("W", {dirs, gates * hidden, in}, seed, -0.8f, 0.8f);
  r.p.r = m.random("R", {dirs, gates * hidden, hidden}, seed + 1, -0.8f, 0.8f);
  std::vector<std::string> inputs = {x, "W", "R", "", "", ""};
  if (bias) {
    r.p.b = m.random("B", {dirs, 2 * gates * hidden}, seed + 2, -0.5f, 0.5f);
    inputs[3] = "B";
  }
  if (initial == Initial::zeros_of_batch_shape) {
    m.node("Shape", {"x"}, {"x_shape"});
    m.int64s("zero_index", {}, {0});
    set_int(m.node("Gather", {"x_shape", "zero_index"}, {"batch"}), "axis", 0);
    m.int64s("unsqueeze_axes", {1}, {0});
    m.node("Unsqueeze", {"batch", "unsqueeze_axes"}, {"batch1"});
    m.int64s("dirs", {1}, {dirs});
    m.int64s("hidden", {1}, {hidden});
    const std::vector<std::string> parts = layout == 0 ? std::vector<std::string>{"dirs", "batch1", "hidden"}
                                                       : std::vector<std::string>{"batch1", "dirs", "hidden"};
    set_int(m.node("Concat", parts, {"state_shape"}), "axis", 0);
    for (const std::string state : {"h0", "c0"}) {
      onnx::AttributeProto* value =
          attribute(m.node("ConstantOfShape", {"state_shape"}, {state}), "value", onnx::AttributeProto::TENSOR);
      value->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
      value->mutable_t()->add_dims(1);
      value->mutable_t()->add_float_data(0.0f);
    }
    inputs[5] = "h0";
    if (op == "LSTM") inputs.push_back("c0");
  } else if (initial != Initial::none) {
    // Stored [dirs, batch, hidden] for the reference; the tensor is [batch, dirs, hidden] in layout 1.
    const float scale = initial == Initial::zeros ? 0.0f : 1.0f;
    r.p.h0 = random_values(static_cast<std::size_t>(dirs * batch * hidden), seed + 3, -scale, scale);
    std::vector<float> h0 = r.p.h0;
    if (layout == 1) {
      for (std::int64_t d = 0; d < dirs; ++d) {
        for (std::int64_t s = 0; s < batch; ++s) {
          for (std::int64_t j = 0; j < hidden; ++j) {
            h0[static_cast<std::size_t>((s * dirs + d) * hidden + j)] =
                r.p.h0[static_cast<std::size_t>((d * batch + s) * hidden + j)];
          }
        }
      }
    }
    const std::vector<std::int64_t> dims =
        layout == 0 ? std::vector<std::int64_t>{dirs, batch, hidden} : std::vector<std::int64_t>{batch, dirs, hidden};
    m.floats("h0", dims, h0);
    inputs[5] = "h0";
    if (op == "LSTM") {
      r.p.c0 = random_values(static_cast<std::size_t>(dirs * batch * hidden), seed + 4, -scale, scale);
      std::vector<float> c0 = r.p.c0;
      if (layout == 1) {
        for (std::int64_t d = 0; d < dirs; ++d) {
          for (std::int64_t s = 0; s < batch; ++s) {
            for (std::int64_t j = 0; j < hidden; ++j) {
              c0[static_cast<std::size_t>((s * dirs + d) * hidden + j)] =
                  r.p.c0[static_cast<std::size_t>((d * batch + s) * hidden + j)];
            }
          }
        }
      }
      m.floats("c0", dims, c0);
      inputs.push_back("c0");
    }
  }
  while (!inputs.empty() && inputs.back().empty()) inputs.pop_back();
  onnx::NodeProto* n = m.node(op, inputs, outputs, op == "LSTM" ? "lstm" : "gru");
  set_int(n, "hidden_size", hidden);
  if (direction != "forward") set_string(n, "direction", direction);
  if (layout != 0) set_int(n, "layout", layout);
  for (const auto& o : outputs) {
    if (!o.empty()) {
      m.output(o);
      break;
    }
  }
  return r;
}

/// Makes `name` (one of the layer's outputs) the only graph output.
void use_output(RnnModel& r, const std::string& name) {
  r.model.graph().clear_output();
  r.model.output(name);
}

onnx::NodeProto* rnn_node(Model& m) {
  for (auto& n : *m.graph().mutable_node()) {
    if (n.op_type() == "LSTM" || n.op_type() == "GRU") return &n;
  }
  return nullptr;
}

TEST(GraphOps, LstmLayout0ForwardMatchesHandWrittenCell) {
  const std::int64_t N = 3, S = 5, I = 4, H = 3;
  const RnnModel r = rnn_model("LSTM", 0, -1, S, I, H, "forward", true, Initial::none, {"y", "y_h", "y_c"}, 100);
  const Graph g = r.model.import();
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{S, 1, -1, H}));
  EXPECT_EQ(g.tensor("y_h").shape, (std::vector<std::int64_t>{1, -1, H}));
  EXPECT_EQ(g.tensor("y_c").shape, (std::vector<std::int64_t>{1, -1, H}));
  const hw::BatchMatrix x = random_input(N, S * I, 101);
  const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, 4);
  expect_rows(ReferenceExecutor(g).run(x), expected.y, "LSTM Y, layout 0");
}

TEST(GraphOps, LstmLayout1MatchesHandWrittenCell) {
  const std::int64_t N = 3, S = 6, I = 2, H = 4;
  const std::vector<std::string> names = {"y", "y_h", "y_c"};
  for (const int output : {0, 1, 2}) {
    SCOPED_TRACE("output " + names[static_cast<std::size_t>(output)]);
    run_case([&] {
      RnnModel r = rnn_model("LSTM", 1, -1, S, I, H, "forward", true, Initial::none, names, 110);
      use_output(r, names[static_cast<std::size_t>(output)]);
      const Graph g = r.model.import();
      EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, S, 1, H}));
      EXPECT_EQ(g.tensor("y_h").shape, (std::vector<std::int64_t>{-1, 1, H}));
      EXPECT_EQ(g.tensor("y_c").shape, (std::vector<std::int64_t>{-1, 1, H}));
      const hw::BatchMatrix x = random_input(N, S * I, 111);
      const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, 4);
      const Nd& e = output == 0 ? expected.y : output == 1 ? expected.y_h : expected.y_c;
      expect_rows(ReferenceExecutor(g).run(x), e, "LSTM layout 1");
    });
  }
}

TEST(GraphOps, RecurrentOmittedOutputsAreAllowed) {
  // Outputs with an empty name are not produced (torch writes LSTM outputs Y, Y_h, Y_c but others may omit Y).
  const std::int64_t N = 3, S = 4, I = 3, H = 3;
  const std::vector<std::vector<std::string>> cases = {{"LSTM", "", "out", ""},
                                                       {"LSTM", "", "", "out"},
                                                       {"LSTM", "out", "", ""},
                                                       {"GRU", "", "out"},
                                                       {"GRU", "out", ""}};
  for (const auto& c : cases) {
    const std::vector<std::string> outputs(c.begin() + 1, c.end());
    const auto which = std::find(outputs.begin(), outputs.end(), "out") - outputs.begin();
    SCOPED_TRACE(c[0] + " output " + std::to_string(which) + " of " + std::to_string(outputs.size()));
    run_case([&] {
      const RnnModel r = rnn_model(c[0], 0, -1, S, I, H, "forward", true, Initial::none, outputs, 115);
      const Graph g = r.model.import();
      const hw::BatchMatrix x = random_input(N, S * I, 116);
      const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, c[0] == "LSTM" ? 4 : 3);
      const Nd& e = which == 0 ? expected.y : which == 1 ? expected.y_h : expected.y_c;
      expect_rows(ReferenceExecutor(g).run(x), e, c[0] + " with omitted outputs");
    });
  }
}

TEST(GraphOps, RecurrentInitialStatesWithAndWithoutBias) {
  // A static batch of 3, so that initial_h / initial_c can be constants. Without B, the input list has an empty
  // name in position 3 before initial_h.
  const std::int64_t N = 3, S = 4, I = 3, H = 5;
  for (const std::string op : {"LSTM", "GRU"}) {
    for (const Initial initial : {Initial::zeros, Initial::random}) {
      for (const int layout : {0, 1}) {
        for (const bool bias : {true, false}) {
          SCOPED_TRACE(op + (initial == Initial::zeros ? " zero" : " random") + " initial states, layout " +
                       std::to_string(layout) + (bias ? " with B" : " without B"));
          const std::vector<std::string> outputs =
              op == "LSTM" ? std::vector<std::string>{"y", "y_h", "y_c"} : std::vector<std::string>{"y", "y_h"};
          run_case([&] {
            const RnnModel r = rnn_model(op, layout, N, S, I, H, "forward", bias, initial, outputs, 120);
            const Graph g = r.model.import();
            const hw::BatchMatrix x = random_input(N, S * I, 121);
            const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, op == "LSTM" ? 4 : 3);
            expect_rows(ReferenceExecutor(g).run(x), expected.y, op + " Y with initial states");
          });
        }
      }
    }
  }
}

TEST(GraphOps, RecurrentZeroStatesOfTheDynamicBatchShape) {
  // h0 = torch.zeros(1, x.size(0), H) exports as ConstantOfShape(Concat([1], Shape(x)[0], [H])).
  const std::int64_t N = 3, S = 4, I = 3, H = 4;
  for (const std::string op : {"LSTM", "GRU"}) {
    for (const int layout : {0, 1}) {
      for (const bool bias : {true, false}) {
        SCOPED_TRACE(op + " layout " + std::to_string(layout) + (bias ? " with B" : " without B"));
        run_case([&] {
          const std::vector<std::string> outputs =
              op == "LSTM" ? std::vector<std::string>{"y", "y_h", "y_c"} : std::vector<std::string>{"y", "y_h"};
          const RnnModel r =
              rnn_model(op, layout, -1, S, I, H, "forward", bias, Initial::zeros_of_batch_shape, outputs, 125);
          const Graph g = r.model.import();
          const hw::BatchMatrix x = random_input(N, S * I, 126);
          const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, op == "LSTM" ? 4 : 3);
          expect_rows(ReferenceExecutor(g).run(x), expected.y, op + " Y from zero states");
        });
      }
    }
  }
}

TEST(GraphOps, LstmTorchBatchFirstPatternThenLinearOnLastStep) {
  // torch (batch_first=True, opset 13): Transpose -> LSTM -> Squeeze(axis 1) -> Transpose -> x[:, -1] -> Linear.
  const std::int64_t N = 3, S = 5, I = 4, H = 3, K = 2;
  RnnModel r = rnn_model("LSTM", 0, -1, S, I, H, "forward", true, Initial::none, {"y", "y_h", "y_c"}, 130);
  Model& m = r.model;
  m.graph().clear_output();
  m.int64s("axis1", {1}, {1});
  m.node("Squeeze", {"y", "axis1"}, {"y_sq"});
  set_ints(m.node("Transpose", {"y_sq"}, {"y_bf"}), "perm", {1, 0, 2});
  m.int64s("last", {}, {-1});
  set_int(m.node("Gather", {"y_bf", "last"}, {"y_last"}), "axis", 1);
  const std::vector<float> w = m.random("fc_w", {K, H}, 131);
  const std::vector<float> b = m.random("fc_b", {K}, 132);
  set_int(m.node("Gemm", {"y_last", "fc_w", "fc_b"}, {"logits"}, "fc"), "transB", 1);
  m.output("logits");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("y_bf").shape, (std::vector<std::int64_t>{-1, S, H}));
  EXPECT_EQ(g.tensor("logits").shape, (std::vector<std::int64_t>{-1, K}));
  const hw::BatchMatrix x = random_input(N, S * I, 133);
  const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, 4);
  Nd last({N, H});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t j = 0; j < H; ++j) last.at({s, j}) = expected.y.at({s, S - 1, 0, j});
  }
  expect_rows(ReferenceExecutor(g).run(x), gemm_t(last, w, b), "Linear on the last LSTM step");
}

TEST(GraphOps, BroadcastAroundTheBatchAxisAndMatMulOnASequence) {
  // Y [S, 1, N, H] of an LSTM + a constant [S, 1, 1, H] (per step and unit) -> Squeeze -> Transpose -> [N, S, H]
  // -> MatMul [H, K] + [K]: torch's Linear on every step of the sequence.
  const std::int64_t N = 3, S = 4, I = 2, H = 3, K = 2;
  RnnModel r = rnn_model("LSTM", 0, -1, S, I, H, "forward", true, Initial::none, {"y"}, 380);
  Model& m = r.model;
  m.graph().clear_output();
  const std::vector<float> shift = m.random("shift", {S, 1, 1, H}, 381);
  m.node("Add", {"y", "shift"}, {"a"});
  m.int64s("axis1", {1}, {1});
  m.node("Squeeze", {"a", "axis1"}, {"sq"});
  set_ints(m.node("Transpose", {"sq"}, {"bf"}), "perm", {1, 0, 2});
  const std::vector<float> w = m.random("w", {H, K}, 382);
  const std::vector<float> b = m.random("b", {K}, 383);
  m.node("MatMul", {"bf", "w"}, {"mm"});
  m.node("Add", {"mm", "b"}, {"out"});
  m.output("out");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("out").shape, (std::vector<std::int64_t>{-1, S, K}));
  const hw::BatchMatrix x = random_input(N, S * I, 384);
  const RecurrentResult lstm = recurrent_reference(as_nd(x, {S, I}), r.p, 4);
  Nd expected({N, S, K});
  for (std::int64_t n = 0; n < N; ++n) {
    for (std::int64_t t = 0; t < S; ++t) {
      for (std::int64_t k = 0; k < K; ++k) {
        double sum = b[static_cast<std::size_t>(k)];
        for (std::int64_t j = 0; j < H; ++j) {
          sum += (lstm.y.at({n, t, 0, j}) + shift[static_cast<std::size_t>(t * H + j)]) *
                 w[static_cast<std::size_t>(j * K + k)];
        }
        expected.at({n, t, k}) = sum;
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "Linear over the LSTM sequence");
}

TEST(GraphOps, ReverseAndBidirectionalRunOrAreRejected) {
  const std::int64_t N = 3, S = 4, I = 3, H = 3;
  for (const std::string op : {"LSTM", "GRU"}) {
    for (const std::string direction : {"reverse", "bidirectional"}) {
      for (const int layout : {0, 1}) {
        for (const int output : {0, 1}) {
          SCOPED_TRACE(op + " " + direction + " layout " + std::to_string(layout) + " output " +
                       std::to_string(output));
          run_case([&] {
            const std::vector<std::string> names =
                op == "LSTM" ? std::vector<std::string>{"y", "y_h", "y_c"} : std::vector<std::string>{"y", "y_h"};
            RnnModel r = rnn_model(op, layout, -1, S, I, H, direction, true, Initial::none, names, 140);
            use_output(r, names[static_cast<std::size_t>(output)]);
            const hw::BatchMatrix x = random_input(N, S * I, 141);
            try {
              const ReferenceExecutor exec(r.model.import());
              const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, op == "LSTM" ? 4 : 3);
              expect_rows(exec.run(x), output == 0 ? expected.y : expected.y_h, op + " " + direction);
            } catch (const InputError& e) {
              EXPECT_TRUE(contains(e.key(), op == "LSTM" ? "node 'lstm' (LSTM)" : "node 'gru' (GRU)")) << e.what();
              EXPECT_TRUE(contains(e.key(), "attribute 'direction'")) << e.what();
            }
          });
        }
      }
    }
  }
}

TEST(GraphOps, LstmClipRunsOrIsRejected) {
  const std::int64_t N = 3, S = 4, I = 3, H = 3;
  RnnModel r = rnn_model("LSTM", 0, -1, S, I, H, "forward", true, Initial::none, {"y"}, 150);
  set_float(rnn_node(r.model), "clip", 0.4f);
  r.p.clip = 0.4f;
  const hw::BatchMatrix x = random_input(N, S * I, 151);
  try {
    const ReferenceExecutor exec(r.model.import());
    expect_rows(exec.run(x), recurrent_reference(as_nd(x, {S, I}), r.p, 4).y, "LSTM clip 0.4");
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.key(), "node 'lstm' (LSTM) attribute 'clip'")) << e.what();
  }
}

TEST(GraphOps, GruLinearBeforeResetBothWaysAndBothLayouts) {
  const std::int64_t N = 3, S = 5, I = 4, H = 3;
  for (const int layout : {0, 1}) {
    for (const int lbr : {0, 1}) {
      for (const int output : {0, 1}) {
        SCOPED_TRACE("layout " + std::to_string(layout) + " linear_before_reset " + std::to_string(lbr) + " output " +
                     std::to_string(output));
        run_case([&] {
          const std::vector<std::string> names = {"y", "y_h"};
          RnnModel r = rnn_model("GRU", layout, -1, S, I, H, "forward", true, Initial::none, names, 160 + 10 * lbr);
          use_output(r, names[static_cast<std::size_t>(output)]);
          set_int(rnn_node(r.model), "linear_before_reset", lbr);
          r.p.linear_before_reset = lbr != 0;
          const Graph g = r.model.import();
          const hw::BatchMatrix x = random_input(N, S * I, 161);
          const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, 3);
          expect_rows(ReferenceExecutor(g).run(x), output == 0 ? expected.y : expected.y_h, "GRU");
        });
      }
    }
  }
}

TEST(GraphOps, GruHiddenStateThroughGatherOnItsDirectionAxis) {
  // Y_h [1, N, H] -> Gather(axis 0, index 0) -> [N, H] -> Linear: axis 0 of Y_h is the direction, not the batch.
  const std::int64_t N = 3, S = 4, I = 2, H = 4, K = 3;
  RnnModel r = rnn_model("GRU", 0, -1, S, I, H, "forward", false, Initial::none, {"y", "y_h"}, 180);
  set_int(rnn_node(r.model), "linear_before_reset", 1);
  r.p.linear_before_reset = true;
  Model& m = r.model;
  m.graph().clear_output();
  m.int64s("zero", {}, {0});
  set_int(m.node("Gather", {"y_h", "zero"}, {"h"}), "axis", 0);
  const std::vector<float> w = m.random("fc_w", {K, H}, 181);
  const std::vector<float> b = m.random("fc_b", {K}, 182);
  set_int(m.node("Gemm", {"h", "fc_w", "fc_b"}, {"logits"}, "fc"), "transB", 1);
  m.output("logits");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("h").shape, (std::vector<std::int64_t>{-1, H}));
  const hw::BatchMatrix x = random_input(N, S * I, 183);
  const RecurrentResult expected = recurrent_reference(as_nd(x, {S, I}), r.p, 3);
  Nd h({N, H});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t j = 0; j < H; ++j) h.at({s, j}) = expected.y_h.at({s, 0, j});
  }
  expect_rows(ReferenceExecutor(g).run(x), gemm_t(h, w, b), "Linear on GRU Y_h");
}

TEST(GraphOps, RecurrentWithoutHiddenSizeRunsOrIsRejected) {
  // hidden_size is optional in ONNX (R's last dimension gives it).
  const std::int64_t N = 3, S = 4, I = 3, H = 2;
  for (const std::string op : {"LSTM", "GRU"}) {
    SCOPED_TRACE(op);
    run_case([&] {
      RnnModel r = rnn_model(op, 0, -1, S, I, H, "forward", true, Initial::none, {"y"}, 210);
      onnx::NodeProto* n = rnn_node(r.model);
      n->mutable_attribute()->erase(n->mutable_attribute()->begin());  // hidden_size
      const hw::BatchMatrix x = random_input(N, S * I, 211);
      try {
        const ReferenceExecutor exec(r.model.import());
        expect_rows(exec.run(x), recurrent_reference(as_nd(x, {S, I}), r.p, op == "LSTM" ? 4 : 3).y, op);
      } catch (const InputError& e) {
        EXPECT_TRUE(contains(e.key(), "hidden_size") || contains(e.what(), "hidden_size")) << e.what();
      }
    });
  }
}

TEST(GraphOps, ThreadsAndChunksDoNotChangeResults) {
  // More samples than one chunk, one and two threads: bit-identical, and equal to the naive computation.
  const std::int64_t S = 5, I = 3, H = 4;
  const int rows = 2 * ReferenceExecutor::chunk_rows + 7;
  const RnnModel r = rnn_model("GRU", 1, -1, S, I, H, "bidirectional", true, Initial::none, {"y", "y_h"}, 220);
  const ReferenceExecutor exec(r.model.import());
  const hw::BatchMatrix x = random_input(rows, S * I, 221);
  const hw::BatchMatrix one = exec.run(x, 1);
  EXPECT_EQ(one, exec.run(x, 2));
  expect_rows(one, recurrent_reference(as_nd(x, {S, I}), r.p, 3).y, "GRU over three chunks");
  const ReferenceExecutor moves(data_movement_model().import());
  const hw::BatchMatrix xm = random_input(rows, 24, 222);
  EXPECT_EQ(moves.run(xm, 1), moves.run(xm, 2));
}

TEST(GraphOps, RecurrentErrorsNameTheNodeAndAttribute) {
  {
    RnnModel r = rnn_model("LSTM", 0, -1, 4, 3, 3, "forward", true, Initial::none, {"y"}, 200);
    set_strings(rnn_node(r.model), "activations", {"HardSigmoid", "Tanh", "Tanh"});
    const InputError e = thrown_by([&] { const ReferenceExecutor exec(r.model.import()); });
    EXPECT_EQ(e.file(), "graph_ops.onnx");
    EXPECT_TRUE(contains(e.key(), "node 'lstm' (LSTM)")) << e.what();
    EXPECT_TRUE(contains(e.key(), "attribute 'activations'")) << e.what();
  }
  {
    RnnModel r = rnn_model("GRU", 0, -1, 4, 3, 3, "forward", true, Initial::none, {"y"}, 201);
    set_strings(rnn_node(r.model), "activations", {"Sigmoid", "Relu"});
    const InputError e = thrown_by([&] { const ReferenceExecutor exec(r.model.import()); });
    EXPECT_TRUE(contains(e.key(), "node 'gru' (GRU)")) << e.what();
    EXPECT_TRUE(contains(e.key(), "attribute 'activations'")) << e.what();
  }
  {
    RnnModel r = rnn_model("LSTM", 0, -1, 4, 3, 3, "forward", true, Initial::none, {"y"}, 202);
    set_int(rnn_node(r.model), "peephole_mode", 1);  // not an ONNX attribute
    const InputError e = thrown_by([&] { r.model.import(); });
    EXPECT_EQ(e.key(), "node 'lstm' (LSTM) attribute 'peephole_mode'");
  }
  {
    // hidden_size disagreeing with W (4H rows = 12 means H = 3).
    RnnModel r = rnn_model("LSTM", 0, -1, 4, 3, 3, "forward", true, Initial::none, {"y"}, 203);
    rnn_node(r.model)->mutable_attribute(0)->set_i(5);
    const InputError e = thrown_by([&] { const ReferenceExecutor exec(r.model.import()); });
    EXPECT_TRUE(contains(e.key(), "node 'lstm' (LSTM)")) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// BatchNormalization folding

TEST(GraphOps, BatchNormAfterConvIsFoldedWithGroupsStrideAndAsymmetricPads) {
  const std::int64_t N = 3, C = 4, Hh = 7, Ww = 6, M = 6, G = 2;
  Conv2d p;
  p.group = G;
  p.pads = {0, 1, 1, 2};
  p.strides = {2, 2};
  for (const bool bias : {true, false}) {
    SCOPED_TRACE(bias ? "conv with bias" : "conv without bias");
    Model m(13);
    m.input("x", {-1, C, Hh, Ww});
    const std::vector<float> w = m.random("w", {M, C / G, 3, 3}, 300);
    std::vector<float> b;
    std::vector<std::string> inputs = {"x", "w"};
    if (bias) {
      b = m.random("b", {M}, 301);
      inputs.push_back("b");
    }
    onnx::NodeProto* conv = m.node("Conv", inputs, {"c"}, "conv");
    set_int(conv, "group", G);
    set_ints(conv, "pads", p.pads);
    set_ints(conv, "strides", p.strides);
    set_ints(conv, "kernel_shape", {3, 3});
    const BatchNorm bn = random_batch_norm(m, "bn", M, 302);
    add_batch_norm(m, "bn", "c", "y");
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(count_ops(g, "BatchNormalization"), 0);
    EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, M, 3, 4}));
    const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 303);
    const Nd expected = batch_norm(conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, C / G, 3, 3}), b, p), bn);
    expect_rows(ReferenceExecutor(g).run(x), expected, "BN(Conv)");
  }
}

TEST(GraphOps, BatchNormAfterGemmIsFolded) {
  const std::int64_t N = 3, I = 5, K = 4;
  for (const int trans_b : {1, 0}) {
    SCOPED_TRACE("transB " + std::to_string(trans_b));
    Model m(13);
    m.input("x", {-1, I});
    const std::vector<float> w =
        m.random("w", trans_b ? std::vector<std::int64_t>{K, I} : std::vector<std::int64_t>{I, K}, 310);
    const std::vector<float> b = m.random("b", {K}, 311);
    set_int(m.node("Gemm", {"x", "w", "b"}, {"h"}, "fc"), "transB", trans_b);
    const BatchNorm bn = random_batch_norm(m, "bn", K, 312);
    add_batch_norm(m, "bn", "h", "y");
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(count_ops(g, "BatchNormalization"), 0);
    std::vector<float> wt = w;  // as [K, I]
    if (!trans_b) {
      for (std::int64_t k = 0; k < K; ++k) {
        for (std::int64_t i = 0; i < I; ++i)
          wt[static_cast<std::size_t>(k * I + i)] = w[static_cast<std::size_t>(i * K + k)];
      }
    }
    const hw::BatchMatrix x = random_input(N, I, 313);
    expect_rows(ReferenceExecutor(g).run(x), batch_norm(gemm_t(as_nd(x, {I}), wt, b), bn), "BN(Gemm)");
  }
}

TEST(GraphOps, BatchNormThatCannotBeFoldedStillRuns) {
  const std::int64_t N = 3, C = 2, Hh = 4, Ww = 4, M = 3;
  Conv2d p;
  p.pads = {1, 1, 1, 1};
  {
    SCOPED_TRACE("BN after Relu");
    Model m(13);
    m.input("x", {-1, C, Hh, Ww});
    const std::vector<float> w = m.random("w", {M, C, 3, 3}, 320);
    const std::vector<float> b = m.random("b", {M}, 321);
    set_ints(m.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", p.pads);
    m.node("Relu", {"c"}, {"r"});
    const BatchNorm bn = random_batch_norm(m, "bn", M, 322);
    add_batch_norm(m, "bn", "r", "y");
    m.output("y");
    const Graph g = m.import();
    EXPECT_EQ(count_ops(g, "BatchNormalization"), 1);
    const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 323);
    const Nd conv = conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, C, 3, 3}), b, p);
    expect_rows(ReferenceExecutor(g).run(x), batch_norm(map(conv, [](double v) { return std::max(v, 0.0); }), bn),
                "BN(Relu(Conv))");
  }
  {
    SCOPED_TRACE("conv output used twice: y = BN(c) + c");
    Model m(13);
    m.input("x", {-1, C, Hh, Ww});
    const std::vector<float> w = m.random("w", {M, C, 3, 3}, 330);
    const std::vector<float> b = m.random("b", {M}, 331);
    set_ints(m.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", p.pads);
    const BatchNorm bn = random_batch_norm(m, "bn", M, 332);
    add_batch_norm(m, "bn", "c", "n");
    m.node("Add", {"n", "c"}, {"y"});
    m.output("y");
    const Graph g = m.import();
    const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 333);
    const Nd conv = conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, C, 3, 3}), b, p);
    Nd expected = batch_norm(conv, bn);
    for (std::size_t i = 0; i < expected.v.size(); ++i) expected.v[i] += conv.v[i];
    expect_rows(ReferenceExecutor(g).run(x), expected, "BN(c) + c");
  }
  {
    SCOPED_TRACE("conv output is also a graph output before the BN");
    Model m(13);
    m.input("x", {-1, C, Hh, Ww});
    const std::vector<float> w = m.random("w", {M, C, 3, 3}, 340);
    set_ints(m.node("Conv", {"x", "w"}, {"c"}, "conv"), "pads", p.pads);
    const BatchNorm bn = random_batch_norm(m, "bn", M, 341);
    add_batch_norm(m, "bn", "c", "y");
    m.output("c");
    m.output("y");
    const Graph g = m.import();
    const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 342);
    expect_rows(ReferenceExecutor(g).run(x), conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, C, 3, 3}), {}, p),
                "the conv output itself");
  }
}

TEST(GraphOps, FoldingLeavesSharedWeightsAlone) {
  // Two Convs share w and b; only the first is followed by a BN. Folding must not change what the second computes.
  const std::int64_t N = 3, C = 2, Hh = 4, Ww = 4, M = 3;
  Conv2d p;
  p.pads = {1, 1, 1, 1};
  Model m(13);
  m.input("x", {-1, C, Hh, Ww});
  const std::vector<float> w = m.random("w", {M, C, 3, 3}, 350);
  const std::vector<float> b = m.random("b", {M}, 351);
  set_ints(m.node("Conv", {"x", "w", "b"}, {"c1"}, "conv1"), "pads", p.pads);
  const BatchNorm bn = random_batch_norm(m, "bn", M, 352);
  add_batch_norm(m, "bn", "c1", "n1");
  set_ints(m.node("Conv", {"x", "w", "b"}, {"c2"}, "conv2"), "pads", p.pads);
  m.node("Add", {"n1", "c2"}, {"y"});
  m.output("y");
  const Graph g = m.import();
  const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 353);
  const Nd conv = conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, C, 3, 3}), b, p);
  Nd expected = batch_norm(conv, bn);
  for (std::size_t i = 0; i < expected.v.size(); ++i) expected.v[i] += conv.v[i];
  expect_rows(ReferenceExecutor(g).run(x), expected, "BN(conv1(x)) + conv2(x), shared weights");
}

TEST(GraphOps, BatchNormAfterGemmWithAlphaBetaScalarCOrNoC) {
  const std::int64_t N = 3, I = 5, K = 4;
  enum class C { vector, scalar, none };
  for (const C c : {C::vector, C::scalar, C::none}) {
    SCOPED_TRACE(c == C::vector ? "C [K], alpha 0.5, beta 2" : c == C::scalar ? "C [1], beta 3" : "no C");
    run_case([&] {
      Model m(13);
      m.input("x", {-1, I});
      const std::vector<float> w = m.random("w", {K, I}, 360);
      std::vector<float> b(static_cast<std::size_t>(K), 0.0f);
      double alpha = 1.0, beta = 1.0;
      onnx::NodeProto* gemm = nullptr;
      if (c == C::vector) {
        b = m.random("b", {K}, 361);
        gemm = m.node("Gemm", {"x", "w", "b"}, {"h"}, "fc");
        set_float(gemm, "alpha", 0.5f);
        set_float(gemm, "beta", 2.0f);
        alpha = 0.5;
        beta = 2.0;
      } else if (c == C::scalar) {
        m.floats("b", {1}, {0.75f});
        b.assign(static_cast<std::size_t>(K), 0.75f);
        gemm = m.node("Gemm", {"x", "w", "b"}, {"h"}, "fc");
        set_float(gemm, "beta", 3.0f);
        beta = 3.0;
      } else {
        gemm = m.node("Gemm", {"x", "w"}, {"h"}, "fc");
      }
      set_int(gemm, "transB", 1);
      const BatchNorm bn = random_batch_norm(m, "bn", K, 362);
      add_batch_norm(m, "bn", "h", "y");
      m.output("y");
      const Graph g = m.import();
      const hw::BatchMatrix x = random_input(N, I, 363);
      Nd h = gemm_t(as_nd(x, {I}), w, std::vector<float>(static_cast<std::size_t>(K), 0.0f));
      for (std::int64_t s = 0; s < N; ++s) {
        for (std::int64_t k = 0; k < K; ++k)
          h.at({s, k}) = alpha * h.at({s, k}) + beta * b[static_cast<std::size_t>(k)];
      }
      expect_rows(ReferenceExecutor(g).run(x), batch_norm(h, bn), "BN(Gemm)");
    });
  }
}

TEST(GraphOps, BatchNormAfterMatMulAndOnASequenceRuns) {
  // MatMul is not a folding target; BN over axis 1 of [N, K] and of [N, C, L] still runs.
  const std::int64_t N = 3, I = 4, K = 3, L = 5;
  {
    Model m(13);
    m.input("x", {-1, I});
    const std::vector<float> w = m.random("w", {I, K}, 370);
    m.node("MatMul", {"x", "w"}, {"h"});
    const BatchNorm bn = random_batch_norm(m, "bn", K, 371);
    add_batch_norm(m, "bn", "h", "y");
    m.output("y");
    const Graph g = m.import();
    std::vector<float> wt(static_cast<std::size_t>(I * K));
    for (std::int64_t i = 0; i < I; ++i) {
      for (std::int64_t k = 0; k < K; ++k)
        wt[static_cast<std::size_t>(k * I + i)] = w[static_cast<std::size_t>(i * K + k)];
    }
    const hw::BatchMatrix x = random_input(N, I, 372);
    expect_rows(ReferenceExecutor(g).run(x),
                batch_norm(gemm_t(as_nd(x, {I}), wt, std::vector<float>(static_cast<std::size_t>(K), 0.0f)), bn),
                "BN(MatMul)");
  }
  {
    Model m(13);
    m.input("x", {-1, K, L});
    const BatchNorm bn = random_batch_norm(m, "bn", K, 373);
    add_batch_norm(m, "bn", "x", "y");
    m.output("y");
    const hw::BatchMatrix x = random_input(N, K * L, 374);
    expect_rows(ReferenceExecutor(m.import()).run(x), batch_norm(as_nd(x, {K, L}), bn), "BatchNorm1d on [N, C, L]");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Conv and pooling through ONNX, ConvTranspose

TEST(GraphOps, ConvPoolChainFromOnnxWithOddAttributes) {
  // Conv (groups 2, asymmetric pads, stride 2) -> Relu -> MaxPool (ceil_mode) -> AveragePool (asymmetric pads,
  // count_include_pad 0) -> GlobalAveragePool -> Flatten -> Gemm.
  const std::int64_t N = 3, C = 4, Hh = 9, Ww = 8, M = 4;
  Model m(13);
  m.input("x", {-1, C, Hh, Ww});
  const std::vector<float> w = m.random("w", {M, 2, 3, 3}, 400);
  const std::vector<float> b = m.random("b", {M}, 401);
  onnx::NodeProto* conv = m.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  set_int(conv, "group", 2);
  set_ints(conv, "pads", {0, 1, 1, 2});
  set_ints(conv, "strides", {2, 2});
  m.node("Relu", {"c"}, {"r"});  // H: (9 + 0 + 1 - 3) / 2 + 1 = 4, W: (8 + 1 + 2 - 3) / 2 + 1 = 5
  onnx::NodeProto* mp = m.node("MaxPool", {"r"}, {"mp"}, "maxpool");
  set_ints(mp, "kernel_shape", {3, 2});
  set_ints(mp, "strides", {2, 2});
  set_int(mp, "ceil_mode", 1);  // H: ceil((4 - 3) / 2) + 1 = 2, W: ceil((5 - 2) / 2) + 1 = 3 (floor: 2)
  onnx::NodeProto* ap = m.node("AveragePool", {"mp"}, {"ap"}, "avgpool");
  set_ints(ap, "kernel_shape", {2, 2});
  set_ints(ap, "pads", {1, 0, 0, 1});  // H: (2 + 1 + 0 - 2) + 1 = 2, W: (3 + 0 + 1 - 2) + 1 = 3
  m.node("GlobalAveragePool", {"ap"}, {"gap"});
  m.node("Flatten", {"gap"}, {"f"});
  const std::vector<float> fw = m.random("fw", {2, M}, 402);
  const std::vector<float> fb = m.random("fb", {2}, 403);
  set_int(m.node("Gemm", {"f", "fw", "fb"}, {"y"}, "fc"), "transB", 1);
  m.output("y");
  const Graph g = m.import();
  EXPECT_EQ(g.tensor("c").shape, (std::vector<std::int64_t>{-1, M, 4, 5}));
  EXPECT_EQ(g.tensor("mp").shape, (std::vector<std::int64_t>{-1, M, 2, 3}));
  EXPECT_EQ(g.tensor("ap").shape, (std::vector<std::int64_t>{-1, M, 2, 3}));

  const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 404);
  Conv2d p;
  p.group = 2;
  p.pads = {0, 1, 1, 2};
  p.strides = {2, 2};
  const Nd c =
      map(conv2d(as_nd(x, {C, Hh, Ww}), weights(w, {M, 2, 3, 3}), b, p), [](double v) { return std::max(v, 0.0); });
  ASSERT_EQ(c.shape, (std::vector<std::int64_t>{N, M, 4, 5}));
  Nd mpo({N, M, 2, 3});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t ch = 0; ch < M; ++ch) {
      for (std::int64_t oy = 0; oy < 2; ++oy) {
        for (std::int64_t ox = 0; ox < 3; ++ox) {
          double best = -std::numeric_limits<double>::infinity();
          for (std::int64_t iy = 2 * oy; iy < std::min<std::int64_t>(2 * oy + 3, 4); ++iy) {
            for (std::int64_t ix = 2 * ox; ix < std::min<std::int64_t>(2 * ox + 2, 5); ++ix) {
              best = std::max(best, c.at({s, ch, iy, ix}));
            }
          }
          mpo.at({s, ch, oy, ox}) = best;
        }
      }
    }
  }
  Nd apo({N, M, 2, 3});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t ch = 0; ch < M; ++ch) {
      for (std::int64_t oy = 0; oy < 2; ++oy) {
        for (std::int64_t ox = 0; ox < 3; ++ox) {
          double sum = 0;
          int count = 0;
          for (std::int64_t ky = 0; ky < 2; ++ky) {
            for (std::int64_t kx = 0; kx < 2; ++kx) {
              const std::int64_t iy = oy - 1 + ky, ix = ox + kx;
              if (iy < 0 || iy >= 2 || ix >= 3) continue;
              sum += mpo.at({s, ch, iy, ix});
              ++count;
            }
          }
          apo.at({s, ch, oy, ox}) = sum / count;
        }
      }
    }
  }
  Nd gap({N, M});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t ch = 0; ch < M; ++ch) {
      for (std::int64_t i = 0; i < 6; ++i) gap.at({s, ch}) += apo.v[static_cast<std::size_t>((s * M + ch) * 6 + i)] / 6;
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), gemm_t(gap, fw, fb), "conv/pool chain");
}

TEST(GraphOps, ConvTransposeRunsOrIsRejected) {
  // Stride 2, asymmetric pads, output_padding, groups 2: y = s * (in - 1) + output_padding + k - pad_begin - pad_end.
  const std::int64_t N = 3, C = 4, Hh = 3, Ww = 4, Mg = 3, G = 2, K = 3;
  const std::vector<std::int64_t> pads = {1, 0, 0, 1}, strides = {2, 2}, output_padding = {1, 0};
  Model m(13);
  m.input("x", {-1, C, Hh, Ww});
  const std::vector<float> w = m.random("w", {C, Mg, K, K}, 500);
  const std::vector<float> b = m.random("b", {Mg * G}, 501);
  onnx::NodeProto* n = m.node("ConvTranspose", {"x", "w", "b"}, {"y"}, "deconv");
  set_int(n, "group", G);
  set_ints(n, "pads", pads);
  set_ints(n, "strides", strides);
  set_ints(n, "output_padding", output_padding);
  set_ints(n, "kernel_shape", {K, K});
  m.output("y");
  const std::int64_t oh = strides[0] * (Hh - 1) + output_padding[0] + K - pads[0] - pads[2];  // 7
  const std::int64_t ow = strides[1] * (Ww - 1) + output_padding[1] + K - pads[1] - pads[3];  // 8
  const hw::BatchMatrix x = random_input(N, C * Hh * Ww, 502);
  Graph g;
  try {
    g = m.import();
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.key(), "node 'deconv' (ConvTranspose)")) << e.what();
    EXPECT_TRUE(contains(e.what(), "ConvTranspose")) << e.what();
    return;
  }
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, Mg * G, oh, ow}));
  const Nd xs = as_nd(x, {C, Hh, Ww});
  const Nd ws = weights(w, {C, Mg, K, K});
  Nd expected({N, Mg * G, oh, ow});
  for (std::int64_t s = 0; s < N; ++s) {
    for (std::int64_t o = 0; o < Mg * G; ++o) {
      for (std::int64_t y = 0; y < oh; ++y) {
        for (std::int64_t xx = 0; xx < ow; ++xx) expected.at({s, o, y, xx}) = b[static_cast<std::size_t>(o)];
      }
    }
    for (std::int64_t c = 0; c < C; ++c) {
      const std::int64_t grp = c / (C / G);
      for (std::int64_t iy = 0; iy < Hh; ++iy) {
        for (std::int64_t ix = 0; ix < Ww; ++ix) {
          for (std::int64_t mo = 0; mo < Mg; ++mo) {
            for (std::int64_t ky = 0; ky < K; ++ky) {
              for (std::int64_t kx = 0; kx < K; ++kx) {
                const std::int64_t y = iy * strides[0] - pads[0] + ky, xx = ix * strides[1] - pads[1] + kx;
                if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
                expected.at({s, grp * Mg + mo, y, xx}) += xs.at({s, c, iy, ix}) * ws.at({c, mo, ky, kx});
              }
            }
          }
        }
      }
    }
  }
  expect_rows(ReferenceExecutor(g).run(x), expected, "ConvTranspose");
}

// ---------------------------------------------------------------------------------------------------------------
// Export

TEST(GraphOps, ExportRoundTripGivesIdenticalOutputs) {
  // import -> export -> import runs the same numbers for shape operators, recurrent layers and folded BN.
  std::vector<std::pair<std::string, Model>> models;
  models.emplace_back("data movement", data_movement_model());
  models.emplace_back("torch view", torch_view_model(13));
  {
    RnnModel r = rnn_model("LSTM", 1, -1, 4, 3, 3, "bidirectional", false, Initial::zeros_of_batch_shape,
                           {"y", "y_h", "y_c"}, 600);
    models.emplace_back("LSTM", r.model);
  }
  {
    RnnModel r = rnn_model("GRU", 0, -1, 4, 3, 3, "reverse", true, Initial::none, {"", "y_h"}, 601);
    set_int(rnn_node(r.model), "linear_before_reset", 1);
    models.emplace_back("GRU", r.model);
  }
  {
    Model m(13);
    m.input("x", {-1, 2, 5, 5});
    m.random("w", {4, 1, 3, 3}, 602);
    onnx::NodeProto* conv = m.node("Conv", {"x", "w"}, {"c"}, "conv");
    set_int(conv, "group", 2);
    set_ints(conv, "pads", {1, 0, 0, 1});
    set_ints(conv, "strides", {2, 2});
    random_batch_norm(m, "bn", 4, 603);
    add_batch_norm(m, "bn", "c", "y");
    m.output("y");
    models.emplace_back("Conv + BN", m);
  }
  for (const auto& [name, model] : models) {
    SCOPED_TRACE(name);
    run_case([&] {
      const Graph first = model.import();
      const Graph second = import_onnx_bytes(export_onnx_bytes(first), "exported.onnx");
      const std::int64_t features = product({first.tensor("x").shape.begin() + 1, first.tensor("x").shape.end()});
      const hw::BatchMatrix x = random_input(5, features, 604);
      const hw::BatchMatrix a = ReferenceExecutor(first).run(x);
      const hw::BatchMatrix b = ReferenceExecutor(second).run(x);
      EXPECT_GT(a.size(), 0);
      EXPECT_EQ(a, b);
    });
  }
}

TEST(GraphOps, ExportWritesIndexAndShapeInputsAsInt64) {
  // ONNX requires int64 (or int32) for Reshape's shape, Gather's indices, Slice's starts/ends/axes/steps and
  // Squeeze/Unsqueeze's axes (opset 13); a float there makes the exported file invalid for other tools.
  const Graph g = data_movement_model().import();
  onnx::ModelProto exported;
  ASSERT_TRUE(exported.ParseFromString(export_onnx_bytes(g)));
  std::map<std::string, int> types;
  for (const auto& init : exported.graph().initializer()) types[init.name()] = init.data_type();
  int checked = 0;
  for (const auto& n : exported.graph().node()) {
    std::vector<int> integer_inputs;
    if (n.op_type() == "Reshape" || n.op_type() == "Gather" || n.op_type() == "Squeeze" || n.op_type() == "Unsqueeze") {
      integer_inputs = {1};
    } else if (n.op_type() == "Slice") {
      integer_inputs = {1, 2, 3, 4};
    }
    for (const int k : integer_inputs) {
      if (k >= n.input_size() || n.input(k).empty() || types.count(n.input(k)) == 0) continue;
      ++checked;
      EXPECT_EQ(types[n.input(k)], onnx::TensorProto::INT64)
          << "input " << k << " '" << n.input(k) << "' of node '" << n.name() << "' (" << n.op_type() << ")";
    }
  }
  EXPECT_GE(checked, 8);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

TEST(GraphOps, ReshapeToAnImpossibleShapeNamesTheNode) {
  for (const std::vector<std::int64_t>& target :
       {std::vector<std::int64_t>{0, 4, -1}, std::vector<std::int64_t>{0, 5}, std::vector<std::int64_t>{0, -1, -1}}) {
    Model m(13);
    m.input("x", {-1, 2, 3});
    m.int64s("shape", {static_cast<std::int64_t>(target.size())}, target);
    m.node("Reshape", {"x", "shape"}, {"y"}, "bad_reshape");
    m.output("y");
    const InputError e = thrown_by([&] { const ReferenceExecutor exec(m.import()); });
    EXPECT_EQ(e.file(), "graph_ops.onnx");
    EXPECT_TRUE(contains(e.key(), "node 'bad_reshape' (Reshape)")) << e.what();
  }
}

TEST(GraphOps, ShapeOperatorErrorsNameTheNode) {
  {
    Model m(13);
    m.input("x", {-1, 2, 3});
    set_ints(m.node("Transpose", {"x"}, {"y"}, "bad_perm"), "perm", {0, 2, 2});
    m.output("y");
    EXPECT_TRUE(
        contains(thrown_by([&] { const ReferenceExecutor exec(m.import()); }).key(), "node 'bad_perm' (Transpose)"));
  }
  {
    Model m(13);
    m.input("x", {-1, 2, 3});
    m.int64s("axes", {1}, {1});
    m.node("Squeeze", {"x", "axes"}, {"y"}, "bad_squeeze");  // dim 1 is 2, not 1
    m.output("y");
    EXPECT_TRUE(
        contains(thrown_by([&] { const ReferenceExecutor exec(m.import()); }).key(), "node 'bad_squeeze' (Squeeze)"));
  }
  {
    Model m(13);
    m.input("x", {-1, 2, 3});
    m.int64s("index", {}, {5});
    set_int(m.node("Gather", {"x", "index"}, {"y"}, "bad_gather"), "axis", 2);  // index 5 on a dim of 3
    m.output("y");
    EXPECT_TRUE(
        contains(thrown_by([&] { const ReferenceExecutor exec(m.import()); }).key(), "node 'bad_gather' (Gather)"));
  }
  {
    Model m(13);
    m.input("x", {-1, 2, 3});
    m.node("Relu", {"x"}, {"r"});
    set_int(m.node("Concat", {"x", "r"}, {"y"}, "bad_concat"), "axis", 3);
    m.output("y");
    EXPECT_TRUE(
        contains(thrown_by([&] { const ReferenceExecutor exec(m.import()); }).key(), "node 'bad_concat' (Concat)"));
  }
}

}  // namespace
}  // namespace imcsim::workloads
