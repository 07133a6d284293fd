#pragma once
// Shape inference of the graph IR, and the per-node figures `imcsim model show` and the compiler report, all
// through the operator registry (workloads/operators/operator.h). Shape mismatches are InputErrors naming the
// file and the node.

#include <cstdint>
#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

/// Adds the node's output tensors (shapes and batch axes) to the graph. An operator the registry does not hold is
/// an InputError ("unsupported operator").
void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where);

/// Shapes and batch axes of every node's outputs, for graphs built in code: the graph inputs' batch axis is their
/// first axis unless set. Errors name the graph and the node.
void infer_graph_shapes(Graph& graph);

/// Trained parameters of the node: elements of its constant weights, biases, normalisation statistics and constant
/// operands (not shape arguments such as axes, indices or target shapes, nor initial states).
std::int64_t node_parameters(const Graph& graph, const Node& node);

/// Multiply-accumulates of one inference (batch 1) of the node: matrix products only.
std::int64_t node_macs(const Graph& graph, const Node& node);

}  // namespace imcsim::workloads
