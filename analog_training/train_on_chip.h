#pragma once
// One on-chip training run as a function call (docs/analog-training.md): a zoo network trained on the chip's
// pulsed arrays (workloads/training/pulsed_trainer.h) on what it reads (workloads/training/zoo_data.h:
// Fashion-MNIST, or the fortunes corpus for char-lstm), checkpointed after every epoch and resumed from the
// checkpoint when it exists, written as ONNX of its effective weights, and summarised as JSON: the configuration,
// the learning curve (loss, training accuracy and test score per epoch: test_top1, or test_bits_per_char for a
// text model), the final test score read from the arrays and of the written file, what the updates fired (which
// measured_training_step.h times on the chip), and, with zero-shifting, how far the symmetry points found by
// pulsing lie from the analytic ones.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "workloads/training/pulsed_trainer.h"

namespace imcsim::analog_training {

struct OnChipTrainingRequest {
  workloads::training::PulsedTrainingConfig training;  ///< resolved against the chip (pulsed_training_setup.h)
  std::string chip;                                    ///< the chip config's name, for the summary
  std::string out;                                     ///< the .onnx file to write
  std::string checkpoint;                              ///< "" : none
  int train_samples = 0;                               ///< at most this many images or sequences (0: all)
};

/// Throws InputError for a checkpoint of another configuration, ParameterError for a bad setting.
nlohmann::ordered_json train_on_chip(const OnChipTrainingRequest& request,
                                     const std::function<void(const workloads::training::Progress&)>& progress);

}  // namespace imcsim::analog_training
