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

/// The forward pass of one chunk x (rows x steps inputs): for t = 0 .. steps - 1, u_t = [x_t, h_(t-1)],
/// z_t = product(u_t, t) + bias, and the cell's step, whose state lands in step_of(t) (a training layer keeps it
/// per step; inference may return one scratch LstmStep) after on_step(t, u_t). Returns the last h, or with
/// `sequence` every step's h (rows x steps hidden).
template <typename Product, typename StepOf, typename OnStep>
Matrix lstm_forward(const Matrix& x, int steps, int inputs, int hidden, bool sequence, const Matrix& bias,
                    Product&& product, StepOf&& step_of, OnStep&& on_step) {
  const Eigen::Index rows = x.rows();
  Matrix h = Matrix::Zero(rows, hidden), c = Matrix::Zero(rows, hidden), u(rows, inputs + hidden);
  Matrix all(sequence ? rows : 0, sequence ? steps * hidden : 0);
  for (int t = 0; t < steps; ++t) {
    u.leftCols(inputs) = x.middleCols(t * inputs, inputs);
    u.rightCols(hidden) = h;
    on_step(t, u);
    Matrix z = product(u, t);
    z.rowwise() += bias.row(0);
    LstmStep& step = step_of(t);
    h = lstm_step_forward(z, c, hidden, step);
    c = step.c;
    if (sequence) all.middleCols(t * hidden, hidden) = h;
  }
  return sequence ? all : h;
}

/// Back-propagation through time of one chunk: from the output's gradient dy (the last hidden state's, rows x
/// hidden, or with `sequence` every step's, rows x steps hidden) and the steps the forward pass kept (step_of(t)),
/// dz_t for t = steps - 1 .. 0, handed to on_dz(t, dz_t), and du_t = transposed(dz_t, t) = d[x_t, h_(t-1)].
/// Returns dx (rows x steps inputs).
template <typename StepOf, typename OnDz, typename Transposed>
Matrix lstm_backward(const Matrix& dy, int steps, int inputs, int hidden, bool sequence, StepOf&& step_of,
                     OnDz&& on_dz, Transposed&& transposed) {
  Matrix dx(dy.rows(), steps * inputs);
  Matrix dh = sequence ? Matrix(dy.rightCols(hidden)) : dy, dc = Matrix::Zero(dy.rows(), hidden);
  for (int t = steps - 1; t >= 0; --t) {
    const Matrix dz = lstm_step_backward(step_of(t), t > 0 ? &step_of(t - 1).c : nullptr, dh, dc, hidden);
    on_dz(t, dz);
    const Matrix du = transposed(dz, t);
    dx.middleCols(t * inputs, inputs) = du.leftCols(inputs);
    dh = du.rightCols(hidden);
    if (sequence && t > 0) dh += dy.middleCols((t - 1) * hidden, hidden);
  }
  return dx;
}

/// Appends the ONNX LSTM node `name` (W, R, B from w and b) and a Flatten of its last hidden state Y_h, or with
/// `sequence` of its every step's Y (batch x steps x 1 x hidden), to `g`; returns the Flatten's output.
std::string export_lstm(GraphWriter& g, const std::string& name, const std::string& input, const Matrix& w,
                        const Matrix& b, int steps, int inputs, int hidden, bool sequence);
/// Reads `name`.W, .R and .B of `graph` into w and b; throws InputError naming the tensor when one is missing or
/// of another size.
void import_lstm(const Graph& graph, const std::string& name, int inputs, int hidden, Matrix& w, Matrix& b);

}  // namespace imcsim::workloads::training
