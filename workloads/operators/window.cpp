#include "workloads/operators/window.h"

#include "base/errors.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

/// The attribute's values, or `fallback` when it is absent or empty.
std::vector<std::int64_t> ints(const Node& node, const std::string& key, std::vector<std::int64_t> fallback) {
  const auto it = node.attributes.find(key);
  if (it == node.attributes.end() || it->second.ints.empty()) return fallback;
  return it->second.ints;
}

/// The input's channels and size.
Window input_window(const Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const auto& x = graph.tensor(node.inputs.at(0)).shape;
  if (x.size() != 4 || x[1] < 0 || x[2] < 0 || x[3] < 0) {
    throw InputError(file, 0, 0, where, "expects N x C x H x W with known C, H, W, got " + show(x));
  }
  Window w;
  w.in_channels = x[1];
  w.in_h = x[2];
  w.in_w = x[3];
  return w;
}

/// Checks kernel_shape against the kernel, reads pads, strides, dilations and ceil_mode, and sets the output size.
Window finish(Window w, const Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const auto kernel = ints(node, "kernel_shape", {w.kernel_h, w.kernel_w});
  if (kernel.size() != 2 || kernel[0] != w.kernel_h || kernel[1] != w.kernel_w) {
    throw InputError(file, 0, 0, where + " attribute 'kernel_shape'", "does not match the weights");
  }
  const auto pads = ints(node, "pads", {0, 0, 0, 0});
  const auto strides = ints(node, "strides", {1, 1});
  const auto dilations = ints(node, "dilations", {1, 1});
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
  const auto& x = graph.tensor(node.inputs.at(0)).shape;
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

}  // namespace

Window convolution_window(const Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  Window w = input_window(graph, node, file, where);
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
  return finish(w, graph, node, file, where);
}

Window pooling_window(const Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  Window w = input_window(graph, node, file, where);
  const auto kernel = ints(node, "kernel_shape", {});
  if (kernel.size() != 2) throw InputError(file, 0, 0, where + " attribute 'kernel_shape'", "needs 2 values");
  w.out_channels = w.in_channels;
  w.kernel_h = kernel[0];
  w.kernel_w = kernel[1];
  return finish(w, graph, node, file, where);
}

std::vector<Tensor> windowed_output(const NodeContext& f, WindowOf window_of) {
  Tensor out;
  out.batch_axis = f.in(0).batch_axis;  // a missing input is named before the window reads it
  const Window w = window_of(f.graph, f.node, f.file, f.where);
  out.shape = {f.in(0).shape[0], w.out_channels, w.out_h, w.out_w};
  if (out.batch_axis > 0) f.fail("expects the batch on the first axis");
  return {out};
}

}  // namespace imcsim::workloads::operators
