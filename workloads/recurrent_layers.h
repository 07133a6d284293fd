#pragma once
// LSTM and GRU forward passes (ONNX semantics) on a batch of sequences, for the reference executor.
//
// Contract: `x` holds one sample per row, its sequence as T x input in C order (both ONNX layouts give that per
// sample); the results hold per sample Y as T x directions x hidden, Y_h (and Y_c) as directions x hidden. The
// node has passed shape inference (W, R, B constants of the right shapes, default activations). Constant
// initial states hold one state per sample of the whole batch (row first_row + r of x is sample r's) or one
// for all (a batch dimension of 1).

#include "hw/types.h"
#include "workloads/graph.h"
#include "workloads/matrix_engine.h"

namespace imcsim::workloads {

struct RecurrentOutputs {
  hw::BatchMatrix y, y_h, y_c;
};

/// `gates` is the cell: 4 an LSTM (gates i, o, f, c), 3 a GRU (z, r, h). The products go through `engine`: weight
/// layers first_layer... of the node (workloads/weight_layers.h), keyed by time step and image (row r of x is image
/// first_image + r).
RecurrentOutputs run_recurrent(const Graph& graph, const Node& node, std::int64_t gates, const hw::BatchMatrix& x,
                               Eigen::Index first_row, const MatrixEngine& engine, std::size_t first_layer,
                               std::uint64_t first_image);

}  // namespace imcsim::workloads
