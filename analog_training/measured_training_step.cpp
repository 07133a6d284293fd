#include "analog_training/measured_training_step.h"

#include "report/training_step_json.h"
#include "runner/run.h"

namespace imcsim::analog_training {

std::vector<std::vector<firmware::UpdateCounts>> measured_update_counts(
    const workloads::training::PulsedTrainer& trainer) {
  std::vector<std::vector<firmware::UpdateCounts>> counts;
  for (const workloads::training::PulsedDense* layer : trainer.pulsed_layers()) {
    std::vector<firmware::UpdateCounts> tiles;
    for (const hw::PulseUpdateCounts& c : layer->update_counts()) {
      tiles.push_back({layer->sample_updates(), c.slots, c.row_pulses, c.column_pulses, c.coincidences});
    }
    counts.push_back(std::move(tiles));
  }
  return counts;
}

nlohmann::ordered_json time_measured_training_step(const chip::ChipConfig& chip,
                                                   const workloads::training::PulsedTrainer& trainer) {
  const workloads::training::PulsedTrainingConfig& c = trainer.config();
  runner::RunRequest request;
  request.chip = chip;
  request.model = c.model;
  request.timing_only = true;
  request.seed = c.seed;
  request.train_step = runner::TrainStepRequest{c.batch, c.layers.update.pulse_length, std::nullopt};
  runner::PreparedRun prepared = runner::prepare(request);
  // The activity needs the training mapping that prepare() makes; measured_training_activity checks its shape.
  prepared.request.train_step->activity =
      firmware::measured_training_activity(prepared.training_mapping, measured_update_counts(trainer));
  return report::training_step_json(*runner::time_run(prepared).training_step);
}

}  // namespace imcsim::analog_training
