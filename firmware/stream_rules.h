#pragma once
// The rules of one instruction stream of the controller, the one implementation that the SystemC controller
// (firmware/controller.h) and the trace replayer (traces/replay.h) share, so that they cannot drift apart: when
// an instruction begins, what a core command takes from the stream and leaves for it (streamed data), where a
// send's transfer starts, how a recv moves the stream on, when a send completes. Plain C++ (no SystemC); times
// are absolute, in ns. Waiting (for a send, a barrier, a transfer's start) is the caller's.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

#include "cores/core_command.h"
#include "firmware/program.h"

namespace imcsim::firmware {

/// What one stream knows about its time and the data it produces and consumes.
struct StreamState {
  double ready_ns = 0;     ///< the stream's time: its next instruction starts no earlier
  double out_head_ns = 0;  ///< first datum of the last core command's output
  double out_tail_ns = 0;  ///< its last datum
  double in_tail_ns = -1;  ///< last datum of a streamed input the next core command consumes (-1: none)
};

/// Whether a core command runs on the digital unit, which consumes a streamed input as it arrives and emits its
/// output as it goes.
inline bool digital_unit_command(cores::CoreOp op) {
  return op == cores::CoreOp::digital || op == cores::CoreOp::accumulate;
}

/// When an instruction begins (InstructionRecord::start_ns): a streamed send with its first datum, any other at
/// the stream's time.
inline double began_ns(const StreamState& s, Op op, bool stream) {
  return op == Op::send && stream ? s.out_head_ns : s.ready_ns;
}

/// The streamed input's last datum that a core command waits for (CoreCommand::stream_tail_ns; -1: none): a
/// digital unit command takes it, any command ends it.
inline double take_stream_tail(StreamState& s, bool digital) {
  const double tail = digital && s.in_tail_ns >= 0 ? s.in_tail_ns : -1;
  s.in_tail_ns = -1;
  return tail;
}

/// A core command ran from start_ns to end_ns: a digital unit emits its first datum one pipeline delay after it
/// starts, anything else at its end.
inline void command_done(StreamState& s, bool digital, double start_ns, double end_ns, double pipeline_ns) {
  s.out_head_ns = digital ? start_ns + pipeline_ns : end_ns;
  s.out_tail_ns = end_ns;
}

/// Where a send's transfer starts: a streamed send cuts through as the digital unit produces (from the first
/// datum, the source producing until the last; the core goes on), any other at the stream's time once its
/// buffer read is done (no source tail: -1).
struct SendStart {
  double start_ns;
  double source_tail_ns;
};
inline SendStart send_start(const StreamState& s, bool stream) {
  return stream ? SendStart{s.out_head_ns, s.out_tail_ns} : SendStart{s.ready_ns, -1};
}

/// When a send completes (InstructionRecord::end_ns): its stream has gone on and its data has arrived.
inline double send_end_ns(const StreamState& s, double arrival_ns) { return std::max(s.ready_ns, arrival_ns); }

/// A recv whose data has arrived (head: the first datum, tail: the last): a streamed one goes on at the first
/// datum and its next command consumes the rest as it arrives; any other goes on at the last datum.
inline void receive(StreamState& s, bool stream, double head_ns, double tail_ns) {
  if (stream) {
    s.ready_ns = std::max(s.ready_ns, head_ns);
    s.in_tail_ns = tail_ns;
  } else {
    s.ready_ns = std::max(s.ready_ns, tail_ns);
  }
}

/// How far the stream's kernel time may run: its own time, but never past the first datum of its last core
/// command's output, where a streamed send of that output starts (every other transfer starts at or after the
/// stream's time). The stream so requests every transfer at its start time (or later, when it had to wait for a
/// recv's data or a barrier), never late because of where the quantum keeper happened to sync it.
inline double sync_limit_ns(const StreamState& s) { return std::min(s.ready_ns, s.out_head_ns); }

// The order of transfers, part of the model (the SystemC controller and the trace replayer both follow it). Links
// are shared in the order transfers are booked (interconnect/link_reservations.h: the first booked gets the gap).
// A transfer is requested at its start time, or when its stream reaches it if that is later (after waiting for a
// recv's data or a barrier): transfer_request_ns. At each instant, whenever nothing else can happen at it (every
// stream has run until it waits), the instant's pending request that comes first in program order (smallest
// instruction index) is booked; its stream goes on (and may request again), and so on until none is pending.

/// When a transfer starting at start_ns is requested by a stream that reached it at now_ns.
inline double transfer_request_ns(double start_ns, double now_ns) { return std::max(start_ns, now_ns); }

/// The rank of a transfer among the requests of its instant (smaller: booked first): its instruction's index.
inline std::uint64_t transfer_rank(std::size_t instruction) { return static_cast<std::uint64_t>(instruction); }

/// The pending transfer requests of one instant, booked one at a time in transfer_rank order.
template <class Request>
class PendingTransfers {
 public:
  void add(std::size_t instruction, Request request) { m_heap.push({transfer_rank(instruction), request}); }
  bool empty() const { return m_heap.empty(); }
  /// Removes and returns the request to book next.
  Request take() {
    Request r = m_heap.top().request;
    m_heap.pop();
    return r;
  }

 private:
  struct Entry {
    std::uint64_t rank;
    Request request;
    bool operator>(const Entry& o) const { return rank > o.rank; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_heap;
};

}  // namespace imcsim::firmware
