#pragma once
// A fully connected layer trained in place on resistive crossbars (the RPU scheme; Kim et al., arXiv:1907.10228;
// docs/analog-training.md): y = s (w - r)^T x + b, its in x out weights one PulsedMatrix (pulsed_matrix.h: the
// tiles, the forward and transposed reads, the pulsed update), the bias digital. Its update applies each
// sample's rank-1 term x d^T in turn. Reads are keyed by (seed, tile, step, sample; pass.step < 2^32).

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/training/pulsed_layer.h"

namespace imcsim::workloads::training {

class PulsedDense : public PulsedLayer {
 public:
  /// `device` must outlive the layer. The initial network weights are He-normal from (seed, id), as Dense's.
  PulsedDense(std::string name, int in, int out, const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device,
              std::uint32_t id);

  Shape output_shape() const override { return {1, 1, m_matrix.out()}; }
  void forward(std::vector<Matrix>& x, const Pass& pass) override;
  void backward(std::vector<Matrix>& dy, const Pass& pass) override;
  /// A Gemm node whose weight is the effective network weight s (w - r).
  std::string export_to(GraphWriter& g, const std::string& input) const override;
  /// Programs the weights of `graph` (name.weight, out x in) onto the devices, w = r + W / s, and sets the bias.
  void import_from(const Graph& graph) override;

  /// Whether backward() computes the input gradient (false for the first weight layer: nothing reads it, and the
  /// chip skips that transposed read).
  void set_input_gradient(bool on) { m_input_gradient = on; }

 private:
  bool m_input_gradient = true;
};

}  // namespace imcsim::workloads::training
