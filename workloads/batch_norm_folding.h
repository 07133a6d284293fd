#pragma once
// Folding BatchNormalization into the layer before it (Conv, or Gemm with constant weights), as deployment
// tools do: the layer's weights and bias absorb the normalisation, so the chip programs one matrix and the
// compiler never sees a BatchNormalization that follows a layer.
//
// Contract: a BatchNormalization is folded only when its input comes from a layer whose operator entry gives a
// channel layout (workloads/operators/operator.h: Conv, Gemm) and whose output feeds nothing else and is not a
// graph output; others stay in the graph (the executor runs them). The result is
// the same function up to float rounding. The constants replaced are left for Graph::remove_unused_constants().

#include "workloads/graph.h"

namespace imcsim::workloads {

void fold_batch_normalization(Graph& graph);

}  // namespace imcsim::workloads
