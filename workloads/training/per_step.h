#pragma once
// A vector layer applied at every step of a sequence (per-step outputs of a recurrent network, e.g. the
// char-LSTM's output layer): per sample, steps x in values (batch_first, as a sequence LSTM outputs them) become
// steps x out, each step through the same inner layer. The inner layer sees a minibatch of B x steps vectors,
// sample-major (vector s steps + t is step t of sample s), so a pulsed inner layer applies each step's rank-1 term
// as its own update and keys its reads by that vector's index.
//
// Exported as Reshape (B x steps x in) -> MatMul (in x out) -> Add (bias) -> Flatten of the inner layer's Gemm
// weights: the inner layer must export one Gemm node with transB = 1 and a bias (Dense, PulsedDense).

#include <string>
#include <vector>

#include "workloads/training/layers.h"

namespace imcsim::workloads::training {

class PerStep : public Layer {
 public:
  /// `inner` takes vectors of `in` values; steps >= 1.
  PerStep(std::string name, int steps, LayerPtr inner);
  Shape output_shape() const override { return {1, 1, m_steps * m_inner->output_shape().size()}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  std::vector<Parameter*> parameters() override { return m_inner->parameters(); }
  void after_update() override { m_inner->after_update(); }
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  /// Reads the MatMul weight (in x out) and bias that export_to writes.
  void import_from(const Graph& graph) override;

 private:
  /// The pass of the inner layer: B x steps vectors, chunk k's first at steps times its first sample.
  Pass inner_pass(const Pass& pass) const;

  int m_steps;
  LayerPtr m_inner;
};

}  // namespace imcsim::workloads::training
