#pragma once
// Per-core and per-link utilisation of a timed model run's inference phase, as report.json holds them
// (utilisation.per_core, utilisation.per_link). The definitions are chip/model_timing.h's, one entity at a time:
// - a core's: the busy time of its inference-phase instructions / the inference phase (ModelTiming::run_ns), so
//   the mean over the cores used is ModelTiming::core_utilisation;
// - a link's: its booked time within the inference phase (the timeline's "link SRC->DST" tracks, lt mode) / the
//   inference phase, so the mean over all links is link_utilisation_mean and the largest link_utilisation_max.

#include <nlohmann/json.hpp>

#include "chip/model_timing.h"
#include "firmware/model_compiler.h"
#include "interconnect/network_config.h"

namespace imcsim::report {

/// One number per core of the chip (`cores` of them, index = core id), 0 for cores without inference work.
/// `timing` must be the run of `model` (its instruction records index the model's program).
nlohmann::ordered_json per_core_utilisation(const firmware::CompiledModel& model, const chip::ModelTiming& timing,
                                            int cores);

/// One {"src", "dst", "utilisation"} per directed link of the configured topology, in the topology's link order
/// (idle links included, so the list draws the whole network).
nlohmann::ordered_json per_link_utilisation(const chip::ModelTiming& timing,
                                            const interconnect::NetworkConfig& network);

}  // namespace imcsim::report
