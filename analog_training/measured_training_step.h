#pragma once
// What one training minibatch of an on-chip training run costs on the chip (docs/analog-training.md,
// docs/training-step.md): the training step of `imcsim run --train-step` (chip/timed_training_step.h) with every
// tile's update activity measured, i.e. the mean per sample update of what that tile's pulsed updates fired
// during the run (slots, row and column pulses, coincidences), in place of the expected rule. The trainer cuts
// each layer as the chip's compiler does (workloads/training/pulsed_dense.h), so its tiles are the chip's.

#include <nlohmann/json.hpp>
#include <vector>

#include "chip/chip_config.h"
#include "firmware/training_activity.h"
#include "workloads/training/pulsed_trainer.h"

namespace imcsim::analog_training {

/// Every pulsed layer's counts ([layer][tile], the chip's tile order) summed over the run so far.
std::vector<std::vector<firmware::UpdateCounts>> measured_update_counts(
    const workloads::training::PulsedTrainer& trainer);

/// One minibatch of trainer.config().batch samples at the trainer's pulse length, timed on `chip` with the
/// measured activity, as report.json's `training_step` section (report/training_step_json.h) plus the activity's
/// source. Runs the SystemC chip: once per process (chip::can_simulate()); throws Error after another simulation,
/// ParameterError("activity") when no update has run yet.
nlohmann::ordered_json time_measured_training_step(const chip::ChipConfig& chip,
                                                   const workloads::training::PulsedTrainer& trainer);

}  // namespace imcsim::analog_training
