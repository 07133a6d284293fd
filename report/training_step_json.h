#pragma once
// A timed training step's figures (chip/training_step_timing.h) as report.json's `training_step` section holds
// them (docs/report.md, docs/training-step.md), in the report's units (ns, images/s, uJ).

#include <nlohmann/json.hpp>

#include "chip/training_step_timing.h"

namespace imcsim::report {

nlohmann::ordered_json training_step_json(const chip::TrainingStepTiming& t);

}  // namespace imcsim::report
