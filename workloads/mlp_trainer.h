#pragma once
// Training of fully connected networks on Eigen (the first model type of the trainer): Flatten -> (Gemm ->
// Relu) x k -> Gemm, softmax cross-entropy on the logits, minibatch Adam. Deterministic: one seed drives the
// initialisation and the shuffling, and the GEMM backend runs single-threaded.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/graph.h"

namespace imcsim::workloads {

struct MlpTrainingConfig {
  std::vector<int> layers = {784, 256, 128, 10};  ///< input, hidden..., classes
  int epochs = 10;
  int batch = 128;
  double learning_rate = 1e-3;
  std::uint64_t seed = 1;
};

struct EpochReport {
  int epoch = 0;
  double loss = 0;            ///< mean training cross-entropy
  double train_accuracy = 0;  ///< on the training minibatches as they went by
};

/// Trains on `train` and returns the network as an IR graph with input "x" (batch x 1 x 28 x 28 or the data
/// set's sample shape) and output "logits". `progress` is called after each epoch.
Graph train_mlp(const MlpTrainingConfig& config, const Dataset& train,
                const std::function<void(const EpochReport&)>& progress = {});

}  // namespace imcsim::workloads
