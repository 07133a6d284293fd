#pragma once
// Estimates of each weight layer's time per MVM step on a chip, the figures the compiler's replication weighs
// (firmware/model_mapping.h: LayerShape::mvm_ns_per_step, digital_ns_per_step, network_ns_per_step). Plain C++.
//
// How: the model is mapped without replication and one inference is compiled as the timed run compiles it
// (firmware/model_compiler.h, chip::model_program_options); every instruction is then costed by the chip's rules,
// without simulating: core commands by the core's costs (cores/core_costs.h, cores/core_params.h), data on the
// network at one link's rate (interconnect.link_width_bits per cycle of interconnect.clock_mhz). Per core:
// - mvm: its mvm commands;
// - digital: every other core command (accumulate passes of the chain, act, pool, acc and gdu passes of the chain
//   end, and the buffer reads and writes of its sends, loads and stores);
// - network: the bytes it receives and sends (non-streamed recv and send, load and store) at the link rate. The
//   streamed transfers of an accumulation chain are left out: they cut through while the digital unit runs, so its
//   accumulate passes time them.
// A layer's figures are those of its busiest core (the largest sum of the three), divided by its MVM steps.
// Simplifications: the estimate adds what a core's stream serialises only in part (a send's transfer overlaps the
// core's next commands), and leaves out contention, hop counts and router latency, and the traffic a layer's
// replication adds to its producers (each replica of a convolution receives its whole input map).

#include <vector>

#include "chip/chip_config.h"
#include "firmware/model_mapping.h"
#include "workloads/graph.h"

namespace imcsim::chip {

/// The weight layers' shapes (chip::layer_shapes) with the estimates above filled in. Throws what map_model and
/// compile_model throw (a model that needs more cores than the chip has: ParameterError("model")).
std::vector<firmware::LayerShape> estimated_layer_shapes(const workloads::Graph& graph, const ChipConfig& config);

}  // namespace imcsim::chip
