#pragma once
// Constant folding at import: the shape arithmetic torch.onnx.export emits (Shape, Gather, Unsqueeze, Concat,
// Reshape, Slice, ...) is evaluated once, so the executor and the compiler only see layers and activations.
//
// Contract: fold() is called after infer_shapes() added the node's output shapes; it returns true and turns the
// output into a constant when the operator's entry (workloads/operators/operator.h) can evaluate the node now (all
// its inputs are constants, or the entry folds on shapes alone, as Shape does). The unknown batch size becomes NaN
// in the data.

#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

bool fold(Graph& graph, const Node& node, const std::string& file, const std::string& where);

}  // namespace imcsim::workloads
