#pragma once
// ONNX import: an .onnx file (as torch.onnx.export writes it) to the graph IR, with Constant nodes folded and
// shapes inferred. Errors name the file and the node, operator and attribute concerned; an operator or
// attribute the IR does not implement is an error, never a silently wrong graph. Each node goes through its
// operator's entry (workloads/operators/operator.h); Constant and ConstantOfShape, whose values are tensors in
// attributes, are folded here before any entry sees them.

#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

Graph import_onnx(const std::string& path);
/// The same from the serialised model in memory; `name` stands for the file in messages.
Graph import_onnx_bytes(const std::string& bytes, const std::string& name);

}  // namespace imcsim::workloads
