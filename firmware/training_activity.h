#pragma once
// The activity of a training step's pulsed updates (plain C++): per weight layer and tile, what one sample
// update fires on average. The training-step compiler (firmware/training_step.h) writes it, times the batch, into
// each tile's `update` instruction, whose cost counts it (cores/core_costs.h).
//
// Two sources: the expected activity of a stated rule (expected_training_activity, the default of
// `imcsim run --train-step`), or what the numerics counted (measured_training_activity: hw::PulsedArray::update
// returns, per call, the slots, row pulses, column pulses and coincidences it fired).

#include <cstdint>
#include <string>
#include <vector>

#include "cores/update_activity.h"
#include "firmware/model_mapping.h"

namespace imcsim::firmware {

struct TrainingActivity {
  /// Where the figures come from: "expected: ..." (the rule and its probabilities) or "measured: ...".
  std::string source;
  /// [layer][tile] (LayerPlacement::tiles order): the mean activity of one sample update of that tile.
  std::vector<std::vector<cores::UpdateActivity>> per_sample;
};

/// Every tile's expected activity per sample update at pulse length BL: all BL slots used, lines firing
/// independently with probabilities p (cores::expected_update_activity with vectors = 1).
TrainingActivity expected_training_activity(const ModelMapping& mapping, int pulse_length,
                                            const cores::LineProbabilities& p = {});

/// What the numerics counted on one tile over `updates` sample updates (the sum of its PulseUpdateCounts).
struct UpdateCounts {
  std::uint64_t updates = 0;  ///< sample updates applied (vector pairs), skipped ones (x = 0 or d = 0) included
  std::uint64_t slots = 0;
  std::uint64_t row_pulses = 0;
  std::uint64_t column_pulses = 0;
  std::uint64_t coincidences = 0;
};

/// The measured activity: each tile's counts divided by its updates. `counts` must have the mapping's shape
/// ([layer][tile]) and every tile updates >= 1, else ParameterError("activity").
TrainingActivity measured_training_activity(const ModelMapping& mapping,
                                            const std::vector<std::vector<UpdateCounts>>& counts);

/// Throws ParameterError("activity") unless `activity` has one entry per tile of `mapping`.
void check_activity_shape(const TrainingActivity& activity, const ModelMapping& mapping);

}  // namespace imcsim::firmware
