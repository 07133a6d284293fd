#pragma once
// The trace file: what a timed run of a compiled model did, at transaction level (docs/trace.md has the byte
// layout). One event per executed instruction, in program order: an MVM, a digital pass, a buffer access, and for
// load / store / send the network transfer it made (source and destination node, bytes); one event per barrier.
// Each event carries its recorded issue and completion times and its dependencies: the previous event of its
// core's stream, the send a recv waited for, the barrier before it. Plain C++ (no SystemC).
//
// Binary, little-endian: a 64-byte header (magic "IMCTRACE", format version, counts), a string table (the
// program, model and chip names, then the layer names), then fixed-size 80-byte event records.

#include <cstdint>
#include <string>
#include <vector>

namespace imcsim::traces {

constexpr std::uint32_t trace_format_version = 1;
constexpr std::uint32_t no_event = 0xffffffffu;  ///< a dependency that is absent

/// One executed instruction (op: firmware::Op as a number).
struct TraceEvent {
  std::uint8_t op = 0;
  std::uint8_t flags = 0;  ///< bit 0: streamed (send/recv/acc stream=1)
  std::int32_t core = -1;  ///< -1 for a barrier
  std::int32_t src = -1;   ///< transfer: source node (load, store, send); -1: no transfer
  std::int32_t dst = -1;   ///< transfer: destination node
  std::int32_t layer = -1;
  std::int32_t inference = -1;  ///< -1: programming phase or barrier
  std::uint32_t rows = 0, cols = 0, vectors = 0, elements = 0, bytes = 0;
  std::uint32_t dep_prev = no_event;     ///< previous event of the same core stream
  std::uint32_t dep_send = no_event;     ///< recv: the matching send
  std::uint32_t dep_barrier = no_event;  ///< the last barrier before it
  /// Its transfer's place in the order in which the network served transfers (no_event: none or unknown).
  /// Informative: replay books transfers in the model's order (firmware/stream_rules.h), which reproduces it.
  std::uint32_t transfer_order = no_event;
  double issue_ns = -1;     ///< recorded start (InstructionRecord::start_ns)
  double complete_ns = -1;  ///< recorded completion (InstructionRecord::end_ns)
  bool streamed() const { return (flags & 1u) != 0; }
};

struct Trace {
  std::uint32_t version = trace_format_version;
  std::uint32_t cores = 0;  ///< core count of the chip it was recorded on
  std::uint32_t inferences = 0;
  std::uint32_t offchip_node = 0;
  double macs_per_inference = 0;
  std::string program;
  std::string model;
  std::string chip;
  std::vector<std::string> layers;
  std::vector<std::uint32_t> layer_cores;  ///< cores per layer (its replicas' tiles)
  std::vector<TraceEvent> events;
};

/// The bytes of the file (docs/trace.md).
std::string encode_trace(const Trace& trace);
/// Parses the bytes; errors are InputErrors naming `source`, the byte offset, the record and the field.
Trace decode_trace(const std::string& bytes, const std::string& source);
/// Writes atomically (whole or not at all).
void write_trace(const std::string& path, const Trace& trace);
Trace read_trace(const std::string& path);
/// A text dump: the header, then one line per event (at most `limit`; negative: all).
std::string show_trace(const Trace& trace, long long limit);

}  // namespace imcsim::traces
