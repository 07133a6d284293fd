#pragma once
// The geometry of a 2-D sliding window (Conv, MaxPool, AveragePool) on an N x C x H x W input.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/operators/operator.h"

namespace imcsim::workloads::operators {

struct Window {
  std::int64_t in_channels = 0, in_h = 0, in_w = 0;
  std::int64_t out_channels = 0, out_h = 0, out_w = 0;
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int64_t group = 1;
  bool ceil_mode = false;
  bool count_include_pad = false;
};

/// A Conv's window: the kernel and output channels from its weights (input 1), with groups. Throws InputError
/// naming `file`, the node (`where`) and the attribute when inconsistent.
Window convolution_window(const Graph& graph, const Node& node, const std::string& file, const std::string& where);
/// A pooling node's window: the kernel from `kernel_shape`, as many output channels as input channels.
Window pooling_window(const Graph& graph, const Node& node, const std::string& file, const std::string& where);

using WindowOf = Window (*)(const Graph&, const Node&, const std::string& file, const std::string& where);
/// Shape inference of a windowed node: N x out_channels x out_h x out_w of the window `window_of` gives, the batch
/// on the first axis.
std::vector<Tensor> windowed_output(const NodeContext& f, WindowOf window_of);

}  // namespace imcsim::workloads::operators
