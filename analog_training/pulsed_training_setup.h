#pragma once
// The pulsed-training configuration of a chip (docs/analog-training.md): the devices of its training_device
// section, its cores' size as the tile size, its periphery (dac.*, adc.*, noise.output_noise_std,
// noise.pcm_read_noise) for every training read, and its zero-shifting settings. Plain C++.

#include "chip/chip_config.h"
#include "workloads/training/pulsed_trainer.h"

namespace imcsim::analog_training {

/// `training` with what `chip` decides filled in (device, tile size, periphery, zero-shift settings); the
/// training's own choices (model, epochs, batch, learning rate, update, zero_shift on or off, weight scale)
/// are kept.
workloads::training::PulsedTrainingConfig on_chip(workloads::training::PulsedTrainingConfig training,
                                                  const chip::ChipConfig& chip);

}  // namespace imcsim::analog_training
