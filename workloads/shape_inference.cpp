#include "workloads/shape_inference.h"

#include <algorithm>

#include "base/errors.h"

namespace imcsim::workloads {

namespace {

std::string show(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
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
    if (k.size() != 4) throw InputError(file, 0, 0, where, "Conv weights must be M x C/group x kH x kW, got " + show(k));
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

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const auto in = [&](std::size_t k) -> const std::vector<std::int64_t>& {
    if (k >= node.inputs.size()) throw InputError(file, 0, 0, where, "input " + std::to_string(k) + " is missing");
    return graph.tensors.at(node.inputs[k]).shape;
  };
  std::vector<std::int64_t> out;
  const std::string& op = node.op;
  if (op == "Gemm") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.size() != 2 || b.size() != 2) throw InputError(file, 0, 0, where, "Gemm needs 2-D inputs, got " + show(a) + " and " + show(b));
    const bool ta = node.int_attribute("transA", 0) != 0;
    const bool tb = node.int_attribute("transB", 0) != 0;
    const std::int64_t m = ta ? a[1] : a[0];
    const std::int64_t ka = ta ? a[0] : a[1];
    const std::int64_t kb = tb ? b[1] : b[0];
    const std::int64_t n = tb ? b[0] : b[1];
    if (!compatible(ka, kb)) {
      throw InputError(file, 0, 0, where, "inner dimensions differ: " + show(a) + " x " + show(b));
    }
    out = {m, n};
    if (node.inputs.size() > 2) static_cast<void>(broadcast(out, in(2), file, where));
  } else if (op == "MatMul") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.empty() || b.size() != 2) throw InputError(file, 0, 0, where, "MatMul supports N-D x 2-D, got " + show(a) + " x " + show(b));
    if (!compatible(a.back(), b[0])) throw InputError(file, 0, 0, where, "inner dimensions differ: " + show(a) + " x " + show(b));
    out = a;
    out.back() = b[1];
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    out = broadcast(in(0), in(1), file, where);
  } else if (op == "Flatten") {
    const auto& a = in(0);
    std::int64_t axis = node.int_attribute("axis", 1);
    if (axis < 0) axis += static_cast<std::int64_t>(a.size());
    if (axis < 0 || axis > static_cast<std::int64_t>(a.size())) throw InputError(file, 0, 0, where + " attribute 'axis'", "out of range");
    std::int64_t outer = 1, inner = 1;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(a.size()); ++i) {
      std::int64_t& part = i < axis ? outer : inner;
      part = (part < 0 || a[static_cast<std::size_t>(i)] < 0) ? -1 : part * a[static_cast<std::size_t>(i)];
    }
    out = {outer, inner};
  } else {
    if (op == "Conv" || op == "MaxPool" || op == "AveragePool") {
      const Window w = window(graph, node, file, where);
      out = {in(0)[0], w.out_channels, w.out_h, w.out_w};
    } else if (op == "GlobalAveragePool") {
      const auto& a = in(0);
      if (a.size() != 4) throw InputError(file, 0, 0, where, "expects N x C x H x W, got " + show(a));
      out = {a[0], a[1], 1, 1};
    } else {
      out = in(0);  // element-wise, Softmax, Identity, Dropout, BatchNormalization keep the shape
    }
  }
  for (std::size_t k = 0; k < node.outputs.size(); ++k) {
    Tensor t;
    t.name = node.outputs[k];
    t.shape = out;
    graph.tensors[t.name] = t;
    if (op == "Dropout") break;  // an optional mask output is never used at inference
  }
}

std::int64_t node_macs(const Graph& graph, const Node& node) {
  if (node.op == "Conv") {
    const Window w = window(graph, node, "", node.name);
    return w.out_channels * w.out_h * w.out_w * (w.in_channels / w.group) * w.kernel_h * w.kernel_w;
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
