#pragma once
// One-layer models built in code, for `imcsim layer` and the published layer figures of `imcsim validate`: they go
// through the same mapper and model compiler as any imported model (firmware/model_mapping.h,
// firmware/model_compiler.h). Weights are zeros: the graphs are for timing and energy.
//
// Contract: sizes must be positive (ParameterError naming the size otherwise); the graphs have passed shape
// inference.

#include "workloads/graph.h"

namespace imcsim::workloads {

/// y = x W with W of inputs x outputs, applied to `vectors` input vectors per inference (a MatMul on [1, vectors,
/// inputs]): one weight layer with `vectors` MVMs per inference.
Graph matmul_layer(int inputs, int outputs, int vectors);

/// One time step of an LSTM (ONNX LSTM, sequence length 1, batch 1): one weight layer of (inputs + hidden) rows by
/// 4 x hidden columns, its gates in the global digital units.
Graph lstm_step(int inputs, int hidden);

}  // namespace imcsim::workloads
