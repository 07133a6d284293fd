#pragma once
// Shape inference of one node of the IR: adds its output tensors (shapes only) to the graph. Shape mismatches
// are InputErrors naming the file and the node.

#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where);

/// Multiply-accumulates of one inference (batch 1) of the node: matrix products only.
std::int64_t node_macs(const Graph& graph, const Node& node);

}  // namespace imcsim::workloads
