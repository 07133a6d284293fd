#include "workloads/shape_inference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "base/errors.h"
#include "workloads/index_maps.h"

namespace imcsim::workloads {

namespace {

std::string show(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return out + "]";
}

bool compatible(std::int64_t a, std::int64_t b) { return a < 0 || b < 0 || a == b; }

/// NumPy broadcasting of two shapes.
std::vector<std::int64_t> broadcast(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b,
                                    const std::string& file, const std::string& where) {
  std::vector<std::int64_t> out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x == 1) {
      out[i] = y;
    } else if (y == 1) {
      out[i] = x;
    } else if (compatible(x, y)) {
      out[i] = std::max(x, y);
    } else {
      throw InputError(file, 0, 0, where, "shapes " + show(a) + " and " + show(b) + " do not broadcast");
    }
  }
  return out;
}

}  // namespace

Window window(const Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const auto& x = graph.tensor(node.inputs.at(0)).shape;
  if (x.size() != 4 || x[1] < 0 || x[2] < 0 || x[3] < 0) {
    throw InputError(file, 0, 0, where, "expects N x C x H x W with known C, H, W, got " + show(x));
  }
  Window w;
  w.in_channels = x[1];
  w.in_h = x[2];
  w.in_w = x[3];
  const auto ints = [&](const std::string& key, std::vector<std::int64_t> fallback) {
    const auto it = node.attributes.find(key);
    if (it == node.attributes.end() || it->second.ints.empty()) return fallback;
    return it->second.ints;
  };
  const bool conv = node.op == "Conv";
  if (conv) {
    const auto& k = graph.tensor(node.inputs.at(1)).shape;
    if (k.size() != 4)
      throw InputError(file, 0, 0, where, "Conv weights must be M x C/group x kH x kW, got " + show(k));
    w.group = node.int_attribute("group", 1);
    if (w.group < 1 || w.in_channels % w.group != 0 || k[0] % w.group != 0 || k[1] != w.in_channels / w.group) {
      throw InputError(file, 0, 0, where + " attribute 'group'",
                       "weights " + show(k) + " do not fit " + std::to_string(w.in_channels) + " channels in " +
                           std::to_string(w.group) + " groups");
    }
    w.out_channels = k[0];
    w.kernel_h = k[2];
    w.kernel_w = k[3];
  } else {
    const auto kernel = ints("kernel_shape", {});
    if (kernel.size() != 2) throw InputError(file, 0, 0, where + " attribute 'kernel_shape'", "needs 2 values");
    w.out_channels = w.in_channels;
    w.kernel_h = kernel[0];
    w.kernel_w = kernel[1];
  }
  const auto kernel = ints("kernel_shape", {w.kernel_h, w.kernel_w});
  if (kernel.size() != 2 || kernel[0] != w.kernel_h || kernel[1] != w.kernel_w) {
    throw InputError(file, 0, 0, where + " attribute 'kernel_shape'", "does not match the weights");
  }
  const auto pads = ints("pads", {0, 0, 0, 0});
  const auto strides = ints("strides", {1, 1});
  const auto dilations = ints("dilations", {1, 1});
  if (pads.size() != 4 || strides.size() != 2 || dilations.size() != 2) {
    throw InputError(file, 0, 0, where, "pads need 4 values, strides and dilations 2 (2-D only)");
  }
  w.pad_top = pads[0];
  w.pad_left = pads[1];
  w.pad_bottom = pads[2];
  w.pad_right = pads[3];
  w.stride_h = strides[0];
  w.stride_w = strides[1];
  w.dilation_h = dilations[0];
  w.dilation_w = dilations[1];
  w.ceil_mode = node.int_attribute("ceil_mode", 0) != 0;
  w.count_include_pad = node.int_attribute("count_include_pad", 0) != 0;
  const auto extent = [&](std::int64_t in, std::int64_t k, std::int64_t d, std::int64_t p0, std::int64_t p1,
                          std::int64_t s) {
    const std::int64_t span = in + p0 + p1 - (d * (k - 1) + 1);
    if (span < 0 || s < 1) throw InputError(file, 0, 0, where, "the window does not fit the input " + show(x));
    return (w.ceil_mode ? (span + s - 1) / s : span / s) + 1;
  };
  w.out_h = extent(w.in_h, w.kernel_h, w.dilation_h, w.pad_top, w.pad_bottom, w.stride_h);
  w.out_w = extent(w.in_w, w.kernel_w, w.dilation_w, w.pad_left, w.pad_right, w.stride_w);
  return w;
}

namespace {

/// One node under inference: its inputs, and errors that name the file, the node and the attribute.
struct Inference {
  Graph& graph;
  const Node& node;
  const std::string& file;
  const std::string& where;

  [[noreturn]] void fail(const std::string& message) const { throw InputError(file, 0, 0, where, message); }
  [[noreturn]] void fail_attribute(const std::string& key, const std::string& message) const {
    throw InputError(file, 0, 0, where + " attribute '" + key + "'", message);
  }
  const Tensor& in(std::size_t k) const {
    if (k >= node.inputs.size()) fail("input " + std::to_string(k) + " is missing");
    return graph.tensors.at(node.inputs[k]);
  }
  bool has_input(std::size_t k) const { return k < node.inputs.size(); }
  /// The integer values of constant input k (shape arithmetic); NaN (the batch size) only when allowed.
  std::vector<std::int64_t> constant_ints(std::size_t k, bool allow_batch = false) const {
    const Tensor& t = in(k);
    if (!t.constant) fail("input '" + t.name + "' must be a constant (computed shapes are not supported)");
    std::vector<std::int64_t> v;
    for (const float x : t.data) {
      if (std::isnan(x) && !allow_batch) fail("input '" + t.name + "' depends on the batch size");
      v.push_back(std::isnan(x) ? batch_symbol : to_index(x));
    }
    return v;
  }
  /// Axes from the attribute (older opsets) or from constant input k (newer ones).
  std::vector<std::int64_t> axes(std::size_t k) const {
    if (has_input(k)) return constant_ints(k);
    return node.ints_attribute("axes", {});
  }
  /// The batch axis of an activation input, checked not to be touched by `axis`.
  void keep_batch(const Tensor& t, std::int64_t axis, const std::string& key) const {
    if (t.batch_axis >= 0 && axis == t.batch_axis)
      fail_attribute(key, "operates on the batch axis of '" + t.name + "'");
  }
  static constexpr std::int64_t batch_symbol = std::numeric_limits<std::int64_t>::min();
};

/// The shape of an activation without its batch axis; every other dimension must be known.
Shape sample_shape_or_fail(const Inference& f, const Tensor& t) {
  Shape s;
  for (std::size_t k = 0; k < t.shape.size(); ++k) {
    if (static_cast<int>(k) == t.batch_axis) continue;
    if (t.shape[k] < 0)
      f.fail("tensor '" + t.name + "' has an unknown dimension other than the batch: " + show(t.shape));
    s.push_back(t.shape[k]);
  }
  return s;
}

/// Product of the dimensions before the batch axis (1 when it is the first): a reshape keeps every sample's
/// elements in place exactly when this product is the same before and after.
std::int64_t outer_product(const Tensor& t) {
  std::int64_t p = 1;
  for (int k = 0; k < t.batch_axis; ++k) p *= t.shape[static_cast<std::size_t>(k)];
  return p;
}

/// Reshape of a constant: 0 copies the input's dimension (unless allowzero), one -1 takes the rest.
Tensor constant_reshape(const Inference& f, const std::vector<std::int64_t>& target, bool allow_zero) {
  const Tensor& x = f.in(0);
  Tensor out;
  std::int64_t known = 1;
  int infer = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    std::int64_t d = target[k];
    if (d == 0 && !allow_zero && k < x.shape.size()) d = x.shape[k];
    if (d == -1 && infer < 0) {
      infer = static_cast<int>(k);
    } else if (d < 0) {
      f.fail("the target shape " + show(target) + " is not a shape for " + show(x.shape));
    } else {
      known *= d;
    }
    out.shape.push_back(d);
  }
  if (infer >= 0 && known > 0) out.shape[static_cast<std::size_t>(infer)] = x.elements() / known;
  if (element_count(out.shape) != x.elements()) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
  return out;
}

Tensor reshape(const Inference& f) {
  const Tensor& x = f.in(0);
  std::vector<std::int64_t> target = f.constant_ints(1, true);
  const bool allow_zero = f.node.int_attribute("allowzero", 0) != 0;
  if (x.batch_axis < 0) return constant_reshape(f, target, allow_zero);
  const Shape sample = sample_shape_or_fail(f, x);
  const std::int64_t per_sample = element_count(sample);
  Tensor out;
  out.shape.resize(target.size());
  int batch = -1, infer = -1;
  std::int64_t known = 1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    std::int64_t d = target[k];
    if (d == 0 && !allow_zero) {
      if (k >= x.shape.size()) f.fail("target dimension " + std::to_string(k) + " copies a dimension the input lacks");
      d = static_cast<int>(k) == x.batch_axis ? Inference::batch_symbol : x.shape[k];
    }
    if (d == Inference::batch_symbol) {
      if (batch >= 0) f.fail("the target shape " + show(target) + " names the batch twice");
      batch = static_cast<int>(k);
      out.shape[k] = -1;
    } else if (d == -1) {
      if (infer >= 0) f.fail("the target shape " + show(target) + " has two -1 entries");
      infer = static_cast<int>(k);
    } else if (d < 0) {
      f.fail("the target shape " + show(target) + " has a negative entry");
    } else {
      out.shape[k] = d;
      known *= d;
    }
  }
  if (batch < 0) {
    // Without the symbolic batch size, the inferred (-1) entry takes the batch when the rest is one sample.
    if (infer >= 0 && known == per_sample) {
      batch = infer;
      out.shape[static_cast<std::size_t>(infer)] = -1;
      infer = -1;
    } else if (x.shape[static_cast<std::size_t>(x.batch_axis)] >= 0) {
      // A static batch: the first axis that has the batch size and the same elements before it.
      const std::int64_t n = x.shape[static_cast<std::size_t>(x.batch_axis)];
      std::int64_t before = 1;
      for (std::size_t k = 0; k < target.size() && batch < 0; ++k) {
        if (static_cast<int>(k) != infer && out.shape[k] == n && before == outer_product(x)) {
          batch = static_cast<int>(k);
          known /= n;
        }
        if (static_cast<int>(k) != infer) before *= out.shape[k];
      }
    }
  }
  if (batch < 0) f.fail("the target shape " + show(target) + " does not keep the batch axis of " + show(x.shape));
  if (infer >= 0) {
    if (known == 0 || per_sample % known != 0) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
    out.shape[static_cast<std::size_t>(infer)] = per_sample / known;
    known *= per_sample / known;
  }
  if (known != per_sample) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
  out.batch_axis = batch;
  std::int64_t before = 1;
  for (int k = 0; k < batch; ++k) before *= out.shape[static_cast<std::size_t>(k)];
  if (before != outer_product(x)) {
    f.fail("reshaping " + show(x.shape) + " to " + show(target) + " would mix samples of the batch");
  }
  return out;
}

Tensor squeeze(const Inference& f) {
  const Tensor& x = f.in(0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  std::vector<bool> drop(x.shape.size(), false);
  const auto axes = f.axes(1);
  if (axes.empty()) {
    for (std::size_t k = 0; k < x.shape.size(); ++k) drop[k] = x.shape[k] == 1 && static_cast<int>(k) != x.batch_axis;
  }
  for (const auto a : axes) {
    std::int64_t k = 0;
    try {
      k = normalised_axis(a, rank, "axis");
    } catch (const Error& e) {
      f.fail_attribute("axes", e.what());
    }
    f.keep_batch(x, k, "axes");
    if (x.shape[static_cast<std::size_t>(k)] != 1)
      f.fail_attribute("axes", "axis " + std::to_string(a) + " of " + show(x.shape) + " is not 1");
    drop[static_cast<std::size_t>(k)] = true;
  }
  Tensor out;
  for (std::size_t k = 0; k < x.shape.size(); ++k) {
    if (static_cast<int>(k) == x.batch_axis) out.batch_axis = static_cast<int>(out.shape.size());
    if (!drop[k]) out.shape.push_back(x.shape[k]);
  }
  return out;
}

Tensor unsqueeze(const Inference& f) {
  const Tensor& x = f.in(0);
  const auto axes = f.axes(1);
  const auto rank = static_cast<std::int64_t>(x.shape.size() + axes.size());
  std::vector<bool> inserted(static_cast<std::size_t>(rank), false);
  for (const auto a : axes) {
    try {
      const auto k = static_cast<std::size_t>(normalised_axis(a, rank, "axis"));
      if (inserted[k]) f.fail_attribute("axes", "axis " + std::to_string(a) + " appears twice");
      inserted[k] = true;
    } catch (const Error& e) {
      f.fail_attribute("axes", e.what());
    }
  }
  Tensor out;
  std::size_t source = 0;
  for (std::size_t k = 0; k < inserted.size(); ++k) {
    if (inserted[k]) {
      out.shape.push_back(1);
      continue;
    }
    if (static_cast<int>(source) == x.batch_axis) out.batch_axis = static_cast<int>(k);
    out.shape.push_back(x.shape[source++]);
  }
  return out;
}

Tensor transpose(const Inference& f) {
  const Tensor& x = f.in(0);
  const std::vector<std::int64_t> perm = transpose_perm(f.node, x.shape.size());
  Tensor out;
  try {
    out.shape = transpose_map(Shape(x.shape.size(), 1), perm).shape;  // validates perm
  } catch (const Error& e) {
    f.fail_attribute("perm", e.what());
  }
  for (std::size_t k = 0; k < perm.size(); ++k) {
    out.shape[k] = x.shape[static_cast<std::size_t>(perm[k])];
    if (perm[k] == x.batch_axis) out.batch_axis = static_cast<int>(k);
  }
  return out;
}

Tensor concat(const Inference& f) {
  const Tensor& first = f.in(0);
  const std::int64_t axis = [&] {
    try {
      return normalised_axis(f.node.int_attribute("axis", 0), static_cast<std::int64_t>(first.shape.size()), "axis");
    } catch (const Error& e) {
      f.fail_attribute("axis", e.what());
    }
  }();
  Tensor out;
  out.shape = first.shape;
  out.shape[static_cast<std::size_t>(axis)] = 0;
  out.batch_axis = first.batch_axis;
  for (std::size_t k = 0; k < f.node.inputs.size(); ++k) {
    const Tensor& t = f.in(k);
    if (t.batch_axis != first.batch_axis)
      f.fail("concatenates activations with constants or differently laid-out activations");
    f.keep_batch(t, axis, "axis");
    Shape a = t.shape, b = first.shape;
    if (a.size() != b.size()) f.fail("inputs " + show(first.shape) + " and " + show(t.shape) + " differ in rank");
    a[static_cast<std::size_t>(axis)] = b[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t d = 0; d < a.size(); ++d) {
      if (!compatible(a[d], b[d]))
        f.fail("inputs " + show(first.shape) + " and " + show(t.shape) + " differ off the axis");
    }
    out.shape[static_cast<std::size_t>(axis)] += t.shape[static_cast<std::size_t>(axis)];
  }
  return out;
}

Tensor gather(const Inference& f) {
  const Tensor& x = f.in(0);
  const Tensor& indices = f.in(1);
  if (!indices.constant) f.fail("the indices must be a constant");
  std::int64_t axis = 0;
  try {
    axis = normalised_axis(f.node.int_attribute("axis", 0), static_cast<std::int64_t>(x.shape.size()), "axis");
  } catch (const Error& e) {
    f.fail_attribute("axis", e.what());
  }
  f.keep_batch(x, axis, "axis");
  Tensor out;
  out.shape.assign(x.shape.begin(), x.shape.begin() + axis);
  out.shape.insert(out.shape.end(), indices.shape.begin(), indices.shape.end());
  out.shape.insert(out.shape.end(), x.shape.begin() + axis + 1, x.shape.end());
  if (x.batch_axis >= 0)
    out.batch_axis = x.batch_axis < axis ? x.batch_axis : x.batch_axis + static_cast<int>(indices.shape.size()) - 1;
  return out;
}

Tensor slice(const Inference& f) {
  const Tensor& x = f.in(0);
  SliceArguments a;
  try {
    a = slice_arguments(f.graph, f.node);
  } catch (const Error& e) {
    f.fail(e.what());
  }
  // Slicing the batch axis is only accepted when it keeps every sample.
  Shape shape = x.shape;
  if (x.batch_axis >= 0) {
    for (std::size_t k = 0; k < a.starts.size(); ++k) {
      const std::int64_t axis = k < a.axes.size() ? a.axes[k] : static_cast<std::int64_t>(k);
      const std::int64_t step = k < a.steps.size() ? a.steps[k] : 1;
      const bool batch = axis == x.batch_axis || axis + static_cast<std::int64_t>(x.shape.size()) == x.batch_axis;
      if (batch && !(a.starts[k] == 0 && step == 1 && a.ends[k] >= std::numeric_limits<std::int32_t>::max())) {
        f.fail("slices the batch axis");
      }
    }
    shape[static_cast<std::size_t>(x.batch_axis)] = 1;
  }
  for (const auto d : shape) {
    if (d < 0) f.fail("slices a tensor of unknown shape " + show(x.shape));
  }
  Tensor out;
  try {
    out.shape = slice_map(shape, a.starts, a.ends, a.axes, a.steps).shape;
  } catch (const Error& e) {
    f.fail(e.what());
  }
  out.batch_axis = x.batch_axis;
  if (x.batch_axis >= 0)
    out.shape[static_cast<std::size_t>(x.batch_axis)] = x.shape[static_cast<std::size_t>(x.batch_axis)];
  return out;
}

Tensor flatten(const Inference& f) {
  const Tensor& x = f.in(0);
  std::int64_t axis = f.node.int_attribute("axis", 1);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) f.fail_attribute("axis", "out of range");
  Tensor out;
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t i = 0; i < rank; ++i) {
    const std::int64_t d = x.shape[static_cast<std::size_t>(i)];
    if (i == x.batch_axis) continue;
    std::int64_t& part = i < axis ? outer : inner;
    part = (part < 0 || d < 0) ? -1 : part * d;
  }
  if (x.batch_axis >= 0) {
    if (x.batch_axis >= axis) f.fail_attribute("axis", "would put the batch axis into the flattened features");
    if (outer != 1) f.fail_attribute("axis", "would merge the batch with other axes of " + show(x.shape));
    out.batch_axis = 0;
    out.shape = {x.shape[static_cast<std::size_t>(x.batch_axis)], inner};
  } else {
    out.shape = {outer, inner};
  }
  return out;
}

Tensor softmax(const Inference& f) {
  const Tensor& x = f.in(0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  const std::int64_t fallback = f.graph.opset >= 13 ? -1 : 1;
  std::int64_t axis = 0;
  try {
    axis = normalised_axis(f.node.int_attribute("axis", fallback), rank, "axis");
  } catch (const Error& e) {
    f.fail_attribute("axis", e.what());
  }
  // Before opset 13 the input is coerced to 2-D at the axis, so the batch must come before it; from 13 on the
  // softmax runs along the axis, which must be the last (the executor's rows) and not the batch.
  if (f.graph.opset >= 13 ? (axis != rank - 1 || axis == x.batch_axis) : axis <= x.batch_axis) {
    f.fail_attribute("axis", "only a softmax over the last axis, after the batch, is supported");
  }
  Tensor out;
  out.shape = x.shape;
  out.batch_axis = x.batch_axis;
  return out;
}

/// LSTM and GRU: outputs Y, Y_h (and Y_c for the LSTM) in the layout the attribute asks for.
std::vector<Tensor> recurrent(const Inference& f) {
  const bool lstm = f.node.op == "LSTM";
  const Tensor& x = f.in(0);
  const int layout = static_cast<int>(f.node.int_attribute("layout", 0));
  if (layout != 0 && layout != 1) f.fail_attribute("layout", "must be 0 or 1");
  if (x.shape.size() != 3 || x.batch_axis != (layout == 0 ? 1 : 0)) {
    f.fail(std::string("X must be ") + (layout == 0 ? "[seq, batch, input]" : "[batch, seq, input]") +
           " with the batch on axis " + std::to_string(layout == 0 ? 1 : 0) + ", got " + show(x.shape));
  }
  const std::string direction = f.node.string_attribute("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    f.fail_attribute("direction", "'" + direction + "' is not forward, reverse or bidirectional");
  }
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  const std::int64_t gates = lstm ? 4 : 3;
  const std::int64_t hidden = f.node.int_attribute("hidden_size", 0);
  const Tensor& w = f.in(1);
  const Tensor& r = f.in(2);
  if (!w.constant || !r.constant) f.fail("W and R must be constants");
  if (hidden <= 0) f.fail_attribute("hidden_size", "must be given and positive");
  const std::int64_t seq = x.shape[layout == 0 ? 0 : 1], input = x.shape[2];
  if (seq < 0 || input < 0) f.fail("X must have a known sequence length and input size, got " + show(x.shape));
  if (w.shape != Shape{dirs, gates * hidden, input})
    f.fail("W must be " + show({dirs, gates * hidden, input}) + ", got " + show(w.shape));
  if (r.shape != Shape{dirs, gates * hidden, hidden})
    f.fail("R must be " + show({dirs, gates * hidden, hidden}) + ", got " + show(r.shape));
  if (f.has_input(3) && !f.node.inputs[3].empty()) {
    const Tensor& b = f.in(3);
    if (!b.constant || b.shape != Shape{dirs, 2 * gates * hidden})
      f.fail("B must be a constant " + show({dirs, 2 * gates * hidden}));
  }
  const std::int64_t batch = x.shape[static_cast<std::size_t>(x.batch_axis)];
  for (std::size_t k = 5; k < 7 && f.has_input(k); ++k) {
    if (f.node.inputs[k].empty()) continue;
    const Shape& s = f.in(k).shape;
    const std::int64_t samples = s.size() == 3 ? s[layout == 0 ? 1 : 0] : 0;
    const bool fits = s.size() == 3 && s[layout == 0 ? 0 : 1] == dirs && s[2] == hidden &&
                      (samples == 1 || (batch >= 0 && samples == batch));
    if (!fits)
      f.fail(std::string(k == 5 ? "initial_h" : "initial_c") + " has shape " + show(s) + ", expected " +
             (layout == 0 ? "[directions, batch or 1, hidden]" : "[batch or 1, directions, hidden]"));
  }
  Tensor y, state;
  y.shape = layout == 0 ? Shape{seq, dirs, batch, hidden} : Shape{batch, seq, dirs, hidden};
  y.batch_axis = layout == 0 ? 2 : 0;
  state.shape = layout == 0 ? Shape{dirs, batch, hidden} : Shape{batch, dirs, hidden};
  state.batch_axis = layout == 0 ? 1 : 0;
  return lstm ? std::vector<Tensor>{y, state, state} : std::vector<Tensor>{y, state};
}

/// Shape and batch axis of a broadcasting element-wise node.
Tensor elementwise(const Inference& f) {
  const Tensor& a = f.in(0);
  const Tensor& b = f.in(1);
  Tensor out;
  out.shape = broadcast(a.shape, b.shape, f.file, f.where);
  const auto aligned = [&](const Tensor& t) {
    return t.batch_axis < 0 ? -1 : t.batch_axis + static_cast<int>(out.shape.size() - t.shape.size());
  };
  const int ba = aligned(a), bb = aligned(b);
  if (ba >= 0 && bb >= 0 && ba != bb)
    f.fail("the operands' batch axes do not line up: " + show(a.shape) + " and " + show(b.shape));
  out.batch_axis = ba >= 0 ? ba : bb;
  const Tensor& constant = ba >= 0 ? b : a;
  if (out.batch_axis >= 0 && (ba < 0 || bb < 0)) {
    const int k = out.batch_axis - static_cast<int>(out.shape.size() - constant.shape.size());
    if (k >= 0 && constant.shape[static_cast<std::size_t>(k)] != 1) {
      f.fail("constant '" + constant.name + "' " + show(constant.shape) + " varies along the batch axis");
    }
  }
  return out;
}

std::vector<Tensor> output_shapes(const Inference& f) {
  const auto in = [&](std::size_t k) -> const std::vector<std::int64_t>& { return f.in(k).shape; };
  const std::string& op = f.node.op;
  Tensor out;
  out.batch_axis = f.in(0).batch_axis;
  if (op == "Gemm") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.size() != 2 || b.size() != 2) f.fail("Gemm needs 2-D inputs, got " + show(a) + " and " + show(b));
    const bool ta = f.node.int_attribute("transA", 0) != 0;
    const bool tb = f.node.int_attribute("transB", 0) != 0;
    const std::int64_t m = ta ? a[1] : a[0];
    const std::int64_t ka = ta ? a[0] : a[1];
    const std::int64_t kb = tb ? b[1] : b[0];
    const std::int64_t n = tb ? b[0] : b[1];
    if (!compatible(ka, kb)) f.fail("inner dimensions differ: " + show(a) + " x " + show(b));
    out.shape = {m, n};
    if (f.node.inputs.size() > 2) static_cast<void>(broadcast(out.shape, in(2), f.file, f.where));
  } else if (op == "MatMul") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.empty() || b.size() != 2) f.fail("MatMul supports N-D x 2-D, got " + show(a) + " x " + show(b));
    if (!compatible(a.back(), b[0])) f.fail("inner dimensions differ: " + show(a) + " x " + show(b));
    if (out.batch_axis == static_cast<int>(a.size()) - 1) f.fail("multiplies along the batch axis");
    out.shape = a;
    out.shape.back() = b[1];
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    return {elementwise(f)};
  } else if (op == "Flatten") {
    return {flatten(f)};
  } else if (op == "Reshape") {
    return {reshape(f)};
  } else if (op == "Squeeze") {
    return {squeeze(f)};
  } else if (op == "Unsqueeze") {
    return {unsqueeze(f)};
  } else if (op == "Transpose") {
    return {transpose(f)};
  } else if (op == "Concat") {
    return {concat(f)};
  } else if (op == "Gather") {
    return {gather(f)};
  } else if (op == "Slice") {
    return {slice(f)};
  } else if (op == "Softmax") {
    return {softmax(f)};
  } else if (op == "LSTM" || op == "GRU") {
    return recurrent(f);
  } else if (op == "Conv" || op == "MaxPool" || op == "AveragePool") {
    const Window w = window(f.graph, f.node, f.file, f.where);
    out.shape = {in(0)[0], w.out_channels, w.out_h, w.out_w};
  } else if (op == "GlobalAveragePool") {
    const auto& a = in(0);
    if (a.size() != 4) f.fail("expects N x C x H x W, got " + show(a));
    out.shape = {a[0], a[1], 1, 1};
  } else {
    out.shape = in(0);  // element-wise, Identity, Dropout, Cast, BatchNormalization keep the shape
  }
  if ((op == "Conv" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
       op == "BatchNormalization" || op == "Gemm") &&
      out.batch_axis > 0) {
    f.fail("expects the batch on the first axis");
  }
  return {out};
}

}  // namespace

SliceArguments slice_arguments(const Graph& graph, const Node& node) {
  const auto ints = [&](std::size_t k) {
    std::vector<std::int64_t> v;
    if (k >= node.inputs.size() || node.inputs[k].empty()) return v;
    const Tensor& t = graph.tensor(node.inputs[k]);
    if (!t.constant) throw Error("input '" + t.name + "' must be a constant (computed shapes are not supported)");
    for (const float x : t.data) {
      if (std::isnan(x)) throw Error("input '" + t.name + "' depends on the batch size");
      v.push_back(to_index(x));
    }
    return v;
  };
  SliceArguments a;
  const bool attributes = node.inputs.size() < 2;
  a.starts = attributes ? node.ints_attribute("starts", {}) : ints(1);
  a.ends = attributes ? node.ints_attribute("ends", {}) : ints(2);
  a.axes = attributes ? node.ints_attribute("axes", {}) : ints(3);
  a.steps = ints(4);
  if (a.axes.empty()) {
    for (std::size_t k = 0; k < a.starts.size(); ++k) a.axes.push_back(static_cast<std::int64_t>(k));
  }
  if (a.steps.empty()) a.steps.assign(a.starts.size(), 1);
  return a;
}

std::vector<std::int64_t> transpose_perm(const Node& node, std::size_t rank) {
  std::vector<std::int64_t> perm = node.ints_attribute("perm", {});
  if (perm.empty()) {
    for (std::size_t k = rank; k-- > 0;) perm.push_back(static_cast<std::int64_t>(k));
  }
  return perm;
}

float arithmetic(const std::string& op, float a, float b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  return a / b;
}

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const Inference f{graph, node, file, where};
  std::vector<Tensor> outs = output_shapes(f);
  for (std::size_t k = 0; k < node.outputs.size() && k < outs.size(); ++k) {
    if (node.outputs[k].empty()) continue;  // an omitted optional output
    Tensor& t = outs[k];
    t.name = node.outputs[k];
    graph.tensors[t.name] = t;
    if (node.op == "Dropout") break;  // an optional mask output is never used at inference
  }
}

void infer_graph_shapes(Graph& graph) {
  for (const auto& name : graph.inputs) {
    Tensor& t = graph.tensors.at(name);
    if (t.batch_axis < 0 && !t.shape.empty()) t.batch_axis = 0;
  }
  for (const auto& node : graph.nodes)
    infer_shapes(graph, node, graph.name, "node '" + node.name + "' (" + node.op + ")");
}

std::int64_t node_parameters(const Graph& graph, const Node& node) {
  static const std::set<std::string> weighted = {"Gemm", "MatMul", "Conv", "BatchNormalization", "Add", "Sub", "Mul",
                                                 "Div",  "LSTM",   "GRU"};
  if (weighted.count(node.op) == 0) return 0;
  const std::size_t last = node.op == "LSTM" || node.op == "GRU" ? 4 : node.inputs.size();
  std::int64_t n = 0;
  for (std::size_t k = 0; k < node.inputs.size() && k < last; ++k) {
    if (!node.inputs[k].empty() && graph.tensor(node.inputs[k]).constant) {
      n += static_cast<std::int64_t>(graph.tensor(node.inputs[k]).data.size());
    }
  }
  return n;
}

std::int64_t node_macs(const Graph& graph, const Node& node) {
  if (node.op == "Conv") {
    const Window w = window(graph, node, "", node.name);
    return w.out_channels * w.out_h * w.out_w * (w.in_channels / w.group) * w.kernel_h * w.kernel_w;
  }
  if (node.op == "LSTM" || node.op == "GRU") {
    // Per step and direction: the gates' input and recurrent products.
    const auto& w = graph.tensor(node.inputs[1]).shape;  // [dirs, gates * hidden, input]
    const auto& x = graph.tensor(node.inputs[0]).shape;
    const std::int64_t steps = x[node.int_attribute("layout", 0) == 0 ? 0 : 1];
    const std::int64_t hidden = graph.tensor(node.inputs[2]).shape[2];
    return steps * w[0] * w[1] * (w[2] + hidden);
  }
  if (node.op != "Gemm" && node.op != "MatMul") return 0;
  const auto& out = graph.tensor(node.outputs[0]).shape;
  const auto& a = graph.tensor(node.inputs[0]).shape;
  const bool ta = node.op == "Gemm" && node.int_attribute("transA", 0) != 0;
  const std::int64_t k = ta ? a[0] : a.back();
  std::int64_t rows = 1;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) rows *= std::max<std::int64_t>(out[i], 1);
  return rows * out.back() * k;
}

}  // namespace imcsim::workloads
