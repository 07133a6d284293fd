#include "analog_training/pulsed_training_setup.h"

namespace imcsim::analog_training {

workloads::training::PulsedTrainingConfig on_chip(workloads::training::PulsedTrainingConfig training,
                                                  const chip::ChipConfig& chip) {
  training.device = chip.training_device.device;
  training.layers.zero_shift_config = chip.training_device.zero_shift;
  training.layers.crossbar = chip.crossbar();
  return training;
}

}  // namespace imcsim::analog_training
