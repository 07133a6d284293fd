#pragma once
// What one training minibatch of an on-chip training run costs on the chip (docs/analog-training.md,
// docs/training-step.md): the training step of `imcsim run --train-step` (chip/timed_training_step.h) with every
// tile's update activity measured, i.e. the mean per sample update of what that tile's pulsed updates fired
// during the run (slots, row and column pulses, coincidences), in place of the expected rule. The trainer cuts
// each layer as the chip's compiler does (workloads/training/pulsed_dense.h), so its tiles are the chip's.
//
// Runs the SystemC chip through the run library (runner/run.h): once per process (chip::can_simulate()). Its own
// library, imcsim::analog_training_timed, so that imcsim::analog_training stays plain C++.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "firmware/training_activity.h"

namespace imcsim::analog_training {

/// The counts of a training summary (train_on_chip.h's `update_activity_this_run`: per layer its sample_updates
/// and per tile its slots, row_pulses, column_pulses, coincidences) as [layer][tile]. Throws InputError naming
/// `source` and the key when one is missing or not a count.
std::vector<std::vector<firmware::UpdateCounts>> update_counts_of(const nlohmann::ordered_json& summary,
                                                                  const std::string& source);

/// One minibatch of the summary's model, batch and pulse length, timed on `chip` with the summary's measured
/// activity: report.json's `training_step` section (report/training_step_json.h). Throws what update_counts_of
/// throws, ParameterError("activity") when the counts do not fit the chip's mapping of the model (another tile
/// size) or cover no update, and Error after another simulation in this process.
nlohmann::ordered_json time_measured_training_step(const chip::ChipConfig& chip, const nlohmann::ordered_json& summary,
                                                   const std::string& source);

}  // namespace imcsim::analog_training
