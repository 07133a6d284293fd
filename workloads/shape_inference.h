#pragma once
// Shape inference of one node of the IR: adds its output tensors (shapes only) to the graph. Shape mismatches
// are InputErrors naming the file and the node.

#include <string>
#include <vector>

#include "workloads/graph.h"

namespace imcsim::workloads {

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where);

/// Shapes and batch axes of every node's outputs, for graphs built in code: the graph inputs' batch axis is their
/// first axis unless set. Errors name the graph and the node.
void infer_graph_shapes(Graph& graph);

/// Slice's arguments: constant inputs from opset 10, attributes before; omitted axes are 0, 1, ... and omitted
/// steps 1. Throws Error naming the input when one is not a constant or depends on the batch size.
struct SliceArguments {
  std::vector<std::int64_t> starts, ends, axes, steps;
};
SliceArguments slice_arguments(const Graph& graph, const Node& node);

/// Transpose's perm: the attribute, or the axes reversed when it is omitted.
std::vector<std::int64_t> transpose_perm(const Node& node, std::size_t rank);

/// Add, Sub, Mul or Div of two numbers.
float arithmetic(const std::string& op, float a, float b);

/// The geometry of a 2-D sliding window (Conv, MaxPool, AveragePool) on an N x C x H x W input.
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

/// The window of a Conv or pooling node; throws InputError naming the node and attribute when inconsistent.
Window window(const Graph& graph, const Node& node, const std::string& file, const std::string& where);

/// Trained parameters of the node: elements of its constant weights, biases, normalisation statistics and constant
/// operands (not shape arguments such as axes, indices or target shapes, nor initial states).
std::int64_t node_parameters(const Graph& graph, const Node& node);

/// Multiply-accumulates of one inference (batch 1) of the node: matrix products only.
std::int64_t node_macs(const Graph& graph, const Node& node);

}  // namespace imcsim::workloads
