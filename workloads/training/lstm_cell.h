#pragma once
// The LSTM cell's digital part, shared by the digital LSTM layer (layers.h) and the LSTM trained on pulsed arrays
// (pulsed_lstm.h): gates i, f, g, o (PyTorch's order) from the pre-activations z = W [x_t, h_(t-1)] + b, their
// derivatives, the initialisation, and the ONNX LSTM node (layout 1) with a Flatten of its last hidden state.
// W is 4H x (I + H), b 1 x 4H.

#include <cstdint>
#include <string>

#include "workloads/training/layers.h"

namespace imcsim::workloads::training {

/// PyTorch's initialisation U(-1/sqrt(H), 1/sqrt(H)) of w from stream (seed, user, id, 1), and b = 0 with a
/// forget-gate bias of 1.
void initialise_lstm(Matrix& w, Matrix& b, std::uint64_t seed, std::uint32_t id, int hidden);

/// One step: the gates from z (rows x 4H), c = f c_prev + i g, and the returned h = o tanh(c).
Matrix lstm_step_forward(const Matrix& z, const Matrix& c_prev, int hidden, LstmStep& step);

/// One step back: dz (rows x 4H) from the hidden state's gradient dh and the cell state's dc (which arrives from
/// step t + 1 and leaves as the carry to step t - 1). c_prev is the previous step's cell state, null at t = 0.
Matrix lstm_step_backward(const LstmStep& step, const Matrix* c_prev, const Matrix& dh, Matrix& dc, int hidden);

/// Appends the ONNX LSTM node `name` (W, R, B from w and b) and its Flatten to `g`; returns the Flatten's output.
std::string export_lstm(GraphWriter& g, const std::string& name, const std::string& input, const Matrix& w,
                        const Matrix& b, int inputs, int hidden);
/// Reads `name`.W, .R and .B of `graph` into w and b; throws InputError naming the tensor when one is missing or
/// of another size.
void import_lstm(const Graph& graph, const std::string& name, int inputs, int hidden, Matrix& w, Matrix& b);

}  // namespace imcsim::workloads::training
