#pragma once
// ONNX export of the graph IR, so models the project builds or trains are ordinary ONNX files that PyTorch
// users can open. Constants become initializers (float32), a dynamic dimension becomes the symbolic "batch".

#include <string>

#include "workloads/graph.h"

namespace imcsim::workloads {

/// The serialised ModelProto (IR version 8, the graph's opset or 13).
std::string export_onnx_bytes(const Graph& graph);
/// Writes the model to `path` whole or not at all; throws imcsim::Error when it cannot.
void export_onnx(const Graph& graph, const std::string& path);

}  // namespace imcsim::workloads
