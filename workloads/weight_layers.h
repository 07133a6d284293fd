#pragma once
// The weight layers of a graph: every matrix product an analog chip would hold in crossbars, as one
// inputs x outputs matrix (y = x W, DESIGN.md's orientation), with how many MVMs one inference makes of it.
//
//   Gemm / MatMul   W (transB and alpha applied); one MVM per vector (one per sample, or several for an N-D MatMul)
//   Conv            one matrix per group: rows = C/group x kH x kW (the unrolled kernel, in that order),
//                   columns = M/group; one MVM per output pixel (weight-stationary)
//   LSTM            one matrix per direction: rows = input + hidden ([x_t, h_{t-1}] stacked), columns = 4 x hidden
//                   in ONNX's gate order i, o, f, c; one MVM per time step
//   GRU             per direction three: W (input x 3 hidden), R_zr (hidden x 2 hidden), R_h (hidden x hidden),
//                   since the candidate's recurrent product reads r * h (linear_before_reset = 0, the default:
//                   R_h waits for the reset gate) or is gated after it (linear_before_reset = 1)
// An RNN's reverse direction (direction = reverse, or the second of bidirectional) runs its steps backwards.
// Biases stay digital (added by the local digital unit after the ADC). Each operator's entry
// (workloads/operators/impl/) builds its matrices.

#include <cstdint>
#include <string>
#include <vector>

#include "hw/types.h"
#include "workloads/graph.h"

namespace imcsim::workloads {

/// How the compiler streams one weight layer (firmware/model_compiler.cpp): which inputs feed its rows, what its
/// chain ends emit, and which layers of the same node (by part) it exchanges data with.
struct LayerStreaming {
  int input_rows = 0;                 ///< rows fed by the node's first input; the rest by recurrent_source
  double output_channels = 0;         ///< values per step its chain ends emit (after the gates)
  double output_offset = 0;           ///< where those start among the node's output channels
  int input_part = 0;                 ///< the share of the node's input it reads: part input_part ...
  int input_parts = 1;                ///< ... of input_parts equal ones (Conv groups)
  int recurrent_source = -1;          ///< part whose output feeds the recurrent rows (-1: none)
  int merge_into = -1;                ///< part whose chain ends add this layer's sums (-1: none)
  double gate_outputs_per_value = 0;  ///< global-digital-unit outputs per chain output (0: no gate pass)
  bool windowed = false;              ///< each step reads a window of the input's steps (Conv), not one step
  /// Its MVM steps run the time steps backwards: step k is time step steps - 1 - k (an RNN's reverse direction).
  bool reversed = false;
  /// Its chain ends first run a gate pass on the sums merged into them (one gate output per chain output) and
  /// send the gate times their state to its recurrent rows for the same step, whose product waits for it (a
  /// GRU's R_h with linear_before_reset = 0 reads r_t * h_{t-1}). Else the recurrent rows read the state of the
  /// previous step and the merged sums wait for the product.
  bool gate_before_product = false;
};

struct WeightLayer {
  std::size_t node = 0;  ///< index in Graph::nodes
  std::string name;      ///< the node's name, with "/group g", "/direction d", "/W" ... where it has several
  int part = 0;          ///< which matrix of the node (group, or direction x matrices per direction + k)
  hw::WeightMatrix matrix;
  std::int64_t mvms_per_inference = 0;
  LayerStreaming streaming;
  int rows() const { return static_cast<int>(matrix.rows()); }
  int cols() const { return static_cast<int>(matrix.cols()); }
};

/// In node order; the graph must have passed shape inference. A product whose weights are not constants (two
/// activations multiplied) is an InputError naming the node.
std::vector<WeightLayer> weight_layers(const Graph& graph);

}  // namespace imcsim::workloads
