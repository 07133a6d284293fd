#pragma once
// The command interface of one core (plain C++; the TLM transport is in cores/core.h).
//
// A command travels as a tlm_generic_payload WRITE to the core's target socket with a CoreCommandExtension;
// the payload's address is the core's base address (core id << 20) plus the command register offset 0, its
// data pointer and length may carry the input vector bytes (informational; the numeric path passes matrices
// through the extension). The core answers with TLM_OK_RESPONSE and annotates the delay until the command has
// finished; invalid commands get TLM_GENERIC_ERROR_RESPONSE.

#include <cstdint>
#include <optional>
#include <string>

#include "cores/update_activity.h"
#include "hw/types.h"

namespace imcsim::cores {

enum class CoreOp : std::uint8_t {
  program_weights,  ///< program-and-verify a rows x cols weight block
  mvm,              ///< `vectors` analog reads of rows inputs, cols outputs (into the output buffer)
  mvm_transposed,   ///< `vectors` transposed reads (training backward pass)
  pulsed_update,    ///< `vectors` stochastic pulse-train sample updates of pulse_length slots each (training)
  digital,          ///< `elements` data through the local digital unit (affine, activation, requantise, pool)
  accumulate,       ///< add `elements` partial sums that arrived from other cores (local digital unit)
  global_digital,   ///< `elements` outputs of the global digital unit (LSTM cell: gates, tanh, products)
  buffer_write,     ///< `bytes` into the input buffer (from the network or the off-chip port)
  buffer_read,      ///< `bytes` out of the output buffer
};

std::string op_name(CoreOp op);

struct CoreCommand {
  CoreOp op = CoreOp::mvm;
  int rows = 0;                             ///< rows used (driven lines); 0: all
  int cols = 0;                             ///< columns used; 0: all
  int vectors = 1;                          ///< MVM batch
  int elements = 0;                         ///< digital and accumulate
  int bytes = 0;                            ///< buffer operations
  int pulse_length = default_pulse_length;  ///< pulsed_update: BL, slots per sample update before BL management
  /// pulsed_update: what its sample updates fired, totals over its vectors; absent: the expected activity at the
  /// default line probabilities (cores/update_activity.h).
  std::optional<UpdateActivity> activity;
  /// Digital and accumulate commands may consume a stream still arriving from a link: the command cannot end
  /// before the stream's tail has arrived and passed the pipeline (absolute time, ns; negative: no stream).
  double stream_tail_ns = -1;
  /// Accumulate: the addend is a partial sum streamed from the previous core of an accumulation chain (received,
  /// aligned, added and passed on: the deeper accumulate pipeline), not data already in the buffers.
  bool partial_sum = false;
  /// Earliest start (absolute, ns). Initiators that keep their own time (temporal decoupling) give it, so a
  /// command may begin before the kernel's current time; negative: the transaction's annotated time.
  double start_ns = -1;
  /// Numeric path (optional): inputs (vectors x rows) and the matrix the outputs (vectors x cols) go to.
  const hw::BatchMatrix* input = nullptr;
  hw::BatchMatrix* output = nullptr;
  /// Noise key of the numeric read: MVM step and the image of the first vector (vector b is image first + b).
  hw::ReadId read{};
};

}  // namespace imcsim::cores
