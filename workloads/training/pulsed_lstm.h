#pragma once
// A one-layer, forward LSTM trained in place on resistive crossbars (Gokmen, Rasch, Haensch, arXiv:1806.00166;
// docs/analog-training.md): the combined input and recurrent product z = s (w - r)^T [x_t, h_(t-1)] + b of every
// time step is a read of one PulsedMatrix of (I + H) x 4H (pulsed_matrix.h), the gates and their derivatives run
// in the digital units (lstm_cell.h), and the bias is digital. Back-propagation through time reads the same
// arrays transposed at every step. The update applies every time step's rank-1 term [x_t, h_(t-1)] dz_t^T as its
// own pulse train (the RPU paper's mapping of BPTT): a minibatch of B sequences of T steps is B T sample updates,
// in time order, the minibatch's samples in order within each step.
//
// Input per sample: T x I (batch_first), output: the last hidden state, or with `sequence` every step's (T x H).
// Exported, like the digital Lstm, as one ONNX LSTM node with the effective weights s (w - r) and a Flatten. Reads of step t of chunk k are keyed by
// (seed, tile, pass.step, t B + the chunk's first sample), so results do not depend on the thread count.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/training/pulsed_layer.h"

namespace imcsim::workloads::training {

class PulsedLstm : public PulsedLayer {
 public:
  /// `device` must outlive the layer. The initial weights are the digital Lstm's (initialise_lstm from (seed, id)).
  PulsedLstm(std::string name, int steps, int inputs, int hidden, const PulsedLayerConfig& config,
             const hw::PulsedDeviceModel& device, std::uint32_t id, bool sequence = false);

  Shape output_shape() const override { return {1, 1, m_sequence ? m_steps * m_hidden : m_hidden}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  /// Programs the LSTM weights of `graph` onto the devices, w = r + W / s, and sets the bias.
  void import_from(const Graph& graph) override;

 private:
  struct Chunk {
    std::vector<Matrix> u;         ///< per step: the product's input [x_t, h_(t-1)]
    std::vector<LstmStep> steps;   ///< per step: gates and cell state
    std::vector<Matrix> dz;        ///< per step: the product's output gradient (after backward)
  };

  int m_steps, m_inputs, m_hidden;
  bool m_sequence;
  std::vector<Chunk> m_chunks;  ///< the last training minibatch, per chunk
};

}  // namespace imcsim::workloads::training
