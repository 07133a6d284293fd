#pragma once
// A model's timed run with a training step after it: the model's Program (its programming, then its pipelined
// inferences), a barrier, then one training minibatch (firmware/training_step.h), in one simulation of the chip
// (SystemC elaborates once per process, chip/simulation.h). This header includes no SystemC, but its function is
// the SystemC chip's (link imcsim::chip).
//
// The barrier keeps the two apart: the inference figures are those time_model() gives for the model alone (the
// training step begins once every inference has ended), and the training step's are its own
// (chip/training_step_timing.h). The network's energy is split between them in proportion to their transfers'
// bits x hops.

#include "chip/chip_config.h"
#include "chip/model_timing.h"
#include "chip/training_step_timing.h"
#include "firmware/model_compiler.h"
#include "firmware/training_step.h"

namespace imcsim::chip {

struct TimedTrainingRun {
  /// The model's figures; its `simulation` holds the model's part of the run: its instructions' records, the
  /// timeline of its instructions (and of what ended before the barrier), its energy and busy time; the
  /// statistics are the whole run's.
  ModelTiming inference;
  TrainingStepTiming training_step;
};

/// Throws what simulate() throws, and Error when the two programs do not declare the same layers.
TimedTrainingRun time_model_and_training_step(const ChipConfig& config, const firmware::CompiledModel& model,
                                              const firmware::TrainingStep& step);

}  // namespace imcsim::chip
