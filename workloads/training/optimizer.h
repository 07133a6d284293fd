#pragma once
// Optimizers over a network's trainable parameters: SGD with momentum (and L2 weight decay) and Adam.
// Parameters that are not trainable (buffers) are left alone.

#include <memory>
#include <string>
#include <vector>

#include "workloads/training/hardware_aware.h"

namespace imcsim::workloads::training {

struct OptimizerConfig {
  std::string kind = "adam";  ///< adam | sgd
  double learning_rate = 1e-3;
  double momentum = 0.9;                              ///< sgd
  double weight_decay = 0.0;                          ///< L2, added to the gradient
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  ///< adam
};

class Optimizer {
 public:
  /// Validates the config (ParameterError "train.<field>").
  Optimizer(const OptimizerConfig& config, std::vector<Parameter*> parameters);
  /// One update with the parameters' current gradients at learning rate `lr`.
  void step(double lr);
  int steps() const { return m_steps; }

 private:
  OptimizerConfig m_config;
  std::vector<Parameter*> m_params;
  std::vector<Matrix> m_m, m_v;
  int m_steps = 0;
};

std::vector<std::string> optimizer_kinds();

}  // namespace imcsim::workloads::training
