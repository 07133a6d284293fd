#pragma once
// Shape-only workloads (docs/workloads.md): a network described by its layers' shapes alone, for timing and
// energy without weights. Four file formats load into one layer list:
//   - imcsim YAML (`layers:` or `transformer:`) and imcsim CSV (a header naming the same keys);
//   - SCALE-Sim topology CSV (header "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width,
//     Channels, Num Filter, Strides");
//   - NeuroSim network CSV (no header; IFMAP H, IFMAP W, channels, kernel H, kernel W, filters, pooling, stride).
// The layers become a workloads::Graph with zero weights (Conv, Gemm, MatMul, LSTM nodes, ReLU, pooling and
// residual adds), so the existing compiler (firmware/model_compiler.h) and timed run map and time it exactly as
// they would an imported ONNX model of the same shapes. The weights are zeros: the graph is for timing only.
//
// Contract: every malformed file (missing column, non-numeric field, zero or negative size, unknown kind or key,
// layers whose shapes cannot follow each other) throws InputError naming the file, the line and the field.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.h"

namespace imcsim::workloads {

/// A product of two activations (attention's Q K^T and A V): it cannot be held in crossbars, so it is not simulated;
/// the report lists it with its MACs.
struct UnsimulatedProduct {
  std::string name;
  std::int64_t macs_per_inference = 0;
  std::string reason;
};

struct ShapeWorkload {
  std::string file;
  std::string format;  ///< "imcsim-yaml", "imcsim-csv", "scale-sim", "neurosim"
  Graph graph;         ///< shapes and zero weights
  std::vector<UnsimulatedProduct> unsimulated;
};

/// Loads a shape-only workload file; the format is told from its content (docs/workloads.md). Throws InputError.
ShapeWorkload load_shape_workload(const std::string& path);

}  // namespace imcsim::workloads
