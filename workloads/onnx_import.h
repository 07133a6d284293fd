#pragma once
// ONNX import: an .onnx file (as torch.onnx.export writes it) to the graph IR, with Constant nodes folded and
// shapes inferred. Errors name the file and the node, operator and attribute concerned; an operator or
// attribute the IR does not implement is an error, never a silently wrong graph.

#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

Graph import_onnx(const std::string& path);
/// The same from the serialised model in memory; `name` stands for the file in messages.
Graph import_onnx_bytes(const std::string& bytes, const std::string& name);

}  // namespace imcsim::workloads
