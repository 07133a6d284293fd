#pragma once
// Who computes the weight layers' matrix products when a graph runs: the FP32 reference, or an analog chip model
// (firmware/analog_engine.h: the compiler's tiles through hw/ crossbars). The executor walks the graph and does
// everything else (biases, activations, pooling, data movement) in FP32 either way.
//
// Contract: multiply() computes y = x W_layer for the weight layer `layer` (workloads/weight_layers.h) on a block
// of `steps` x `images` vectors, step-major: row step * images + b is vector `first_step + step` (output pixel,
// time step or vector of an N-D MatMul) of image `first_image + b`. It is const and thread-safe; an analog engine
// keys its noise by (layer, step, image), so results do not depend on chunking or threads.

#include <cstdint>
#include <vector>

#include "hw/types.h"
#include "workloads/weight_layers.h"

namespace imcsim::workloads {

class MatrixEngine {
 public:
  virtual ~MatrixEngine() = default;
  virtual void multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                        std::uint32_t first_step, hw::BatchMatrix& y) const = 0;
  /// Inputs of the layer's matrix.
  virtual Eigen::Index layer_rows(std::size_t layer) const = 0;
};

/// FP32: y = x W.
class Fp32Engine : public MatrixEngine {
 public:
  explicit Fp32Engine(std::vector<WeightLayer> layers) : m_layers(std::move(layers)) {}
  void multiply(std::size_t layer, const hw::BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                std::uint32_t first_step, hw::BatchMatrix& y) const override;
  Eigen::Index layer_rows(std::size_t layer) const override;

 private:
  std::vector<WeightLayer> m_layers;
};

}  // namespace imcsim::workloads
