#pragma once
// The base of the layers trained in place on resistive crossbars (docs/analog-training.md): the weights are one
// PulsedMatrix (pulsed_matrix.h: tiles, reads, pulsed update, zero-shifting), the bias is digital and trained by
// plain SGD (the trainer's step on parameters()).
//
// Contract: a derived layer's forward() with pass.training and its backward() leave the minibatch's rank-1 terms
// in m_x (n x matrix in) and m_d (n x matrix out), one term a row, in the order they are applied; update_tile(t)
// then applies them to tile t and may run concurrently for different tiles (of this or another layer). Call
// refresh_reads() once all tiles are updated.

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/training/layers.h"
#include "workloads/training/pulsed_matrix.h"

namespace imcsim::workloads::training {

class PulsedLayer : public Layer {
 public:
  std::vector<Parameter*> parameters() override { return {&m_b}; }

  int tiles() const { return m_matrix.tiles(); }
  /// Applies the last minibatch's rank-1 terms to tile `tile` at learning rate `lr`; `step` keys the draws.
  void update_tile(int tile, float lr, std::uint64_t step) { m_matrix.update_tile(tile, m_x, m_d, lr, step); }
  void refresh_reads() { m_matrix.refresh_reads(); }
  const PulsedMatrix& matrix() const { return m_matrix; }
  const Matrix& bias() const { return m_b.value; }
  /// Restores the bias and what matrix().device_state() gave; throws ParameterError on a shape mismatch.
  void restore(const Matrix& bias, const std::vector<hw::WeightMatrix>& state);

 protected:
  /// A matrix of matrix_in x matrix_out (array ids from `id`) and a bias of bias_size.
  PulsedLayer(std::string name, Shape in, int matrix_in, int matrix_out, int bias_size,
              const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device, std::uint32_t id);

  PulsedMatrix m_matrix;
  Parameter m_b;
  Matrix m_x, m_d;  ///< the last minibatch's rank-1 terms: inputs (n x matrix in), output gradients (n x out)
};

/// The read of chunk k of a pass: the pass's step as the stream, the chunk's first sample as the image.
hw::ReadId pulsed_read_id(const Pass& pass, std::size_t k);

/// Stacks the chunks of a minibatch.
Matrix stack_chunks(const std::vector<Matrix>& chunks);

}  // namespace imcsim::workloads::training
