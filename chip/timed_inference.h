#pragma once
// Images through the timed cores: every weight-layer MVM of the model is sent as an MVM command (with its input
// vectors, output matrix and noise key) over TLM to the SystemC core that holds the tile, whose numeric side
// (chip/tile_numerics.h) reads the tile; the driver adds the row tiles' partial sums and the rest of the graph
// runs in FP32, as in the accuracy path. The accuracy path batches the same reads without SystemC; this run shows
// that the cores compute the same numbers (tests compare the two) and what the reads cost on the cores.
//
// Elaborates SystemC modules and calls sc_start: once per process (DESIGN.md).

#include <cstdint>
#include <memory>

#include "chip/analog_engine.h"
#include "chip/chip_config.h"
#include "hw/types.h"
#include "workloads/graph.h"

namespace imcsim::chip {

struct TimedInferenceResult {
  hw::BatchMatrix outputs;        ///< the graph's output, one row per image
  std::int64_t mvm_commands = 0;  ///< MVM commands the cores executed
  std::int64_t mvm_vectors = 0;   ///< analog reads (vectors) in those commands
  double simulated_ns = 0;        ///< simulated time when the last command had finished
};

/// `engine` is the model's analog engine at one drift time (AnalogModel::analog_engine_at); image b of `images`
/// is image first_image + b of the data set (its noise key).
TimedInferenceResult run_on_timed_cores(const ChipConfig& config, const workloads::Graph& graph,
                                        const AnalogEngine& engine, const hw::BatchMatrix& images,
                                        std::uint64_t first_image);

}  // namespace imcsim::chip
