#pragma once
// The controller: a SystemC initiator that executes a Program on the cores and the network.
//
// Each core's instruction stream runs in its own SC_THREAD with a tlm_quantumkeeper (loosely timed, temporal
// decoupling with the global quantum): core instructions become b_transport calls on that core's socket,
// load/store/send become transfers on the network socket. A recv waits (synchronising with the kernel) until
// its send has been issued and then continues at the later of its own time and the data's arrival; a barrier
// holds every stream until all have reached it. Independent streams overlap; each stream is in order.
//
// Transfers are booked in the model's order (firmware/stream_rules.h), not in the order the kernel happens to
// resume the streams: a stream requests its transfer at its start time and waits; a booking thread books, each
// time the instant has no other activity left, the pending request first in program order. With
// interconnect.mode=at the network itself arbitrates, and each stream issues its transfer directly.

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "base/statistics.h"
#include "firmware/instruction_command.h"
#include "firmware/instruction_record.h"
#include "firmware/program.h"
#include "firmware/stream_rules.h"

namespace imcsim::firmware {

class Controller : public sc_core::sc_module {
 public:
  /// Socket i drives core i.
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Controller>>> core_sockets;
  tlm_utils::simple_initiator_socket<Controller> network_socket;

  /// `program` is validated against core_count; offchip_node is the network node of the off-chip port.
  /// order_transfers: book transfers in the model's order (the lt network, which returns at once); false: each
  /// stream issues its own (the at network, which holds the caller until the data has arrived).
  Controller(const sc_core::sc_module_name& name, Program program, int core_count, int offchip_node,
             StatisticsRegistry& stats, bool order_transfers = true);

  /// Completion time of the whole program (after sc_start has returned), ns.
  double finish_ns() const { return m_finish_ns; }
  /// Completion time of each core's stream, ns (-1 for cores without instructions).
  /// One record per instruction of the program, in program order (barriers keep the default record).
  const std::vector<InstructionRecord>& instruction_records() const { return m_records; }
  /// Rethrows an error raised while executing (streams stop the simulation on the first error).
  void rethrow_error() const;

 private:
  struct Mailbox {
    bool posted = false;
    double head_ns = 0;     ///< first datum at the receiver
    double arrival_ns = 0;  ///< last datum at the receiver
    std::unique_ptr<sc_core::sc_event> event = std::make_unique<sc_core::sc_event>();
  };
  using MailKey = std::tuple<int, int, std::string>;

  void run_stream(int core, std::vector<const Instruction*> stream);
  void execute_stream(int core, const std::vector<const Instruction*>& stream);
  struct Arrival {
    double head_ns = 0;
    double tail_ns = 0;
  };

  /// Sends one command to a core, to start no earlier than start_ns; returns its end (absolute ns).
  double core_command(const Instruction& ins, double start_ns, StreamState& state);
  InstructionRecord& record_of(const Instruction& ins) {
    return m_records[static_cast<std::size_t>(&ins - m_program.instructions.data())];
  }
  /// Moves data over the network from start_ns; a streamed source produces until source_tail_ns.
  Arrival transfer(const Instruction& ins, int src, int dst, double bits, double start_ns, double source_tail_ns = -1);
  /// A transfer waiting to be booked (it lives on its stream's stack until done).
  struct TransferRequest {
    int src = 0;
    int dst = 0;
    double bits = 0;
    double start_ns = 0;
    double source_tail_ns = -1;
    int core = 0;  ///< the requesting stream
    Arrival result;
    bool ok = false;
    bool done = false;
  };
  /// Books one transfer on the network socket; false when the network rejects it.
  bool issue(TransferRequest& request);
  /// The booking thread: books the pending requests of each instant in the model's order.
  void book_transfers();
  void arrive_at_barrier();

  Program m_program;
  int m_offchip_node;
  bool m_order_transfers;
  PendingTransfers<TransferRequest*> m_pending;
  sc_core::sc_event m_requested;
  std::vector<std::unique_ptr<sc_core::sc_event>> m_transfer_done;  ///< per core: its stream's request is booked
  std::map<MailKey, Mailbox> m_mail;
  int m_streams = 0;
  int m_barrier_waiting = 0;
  sc_core::sc_event m_barrier_release;
  double m_finish_ns = 0;
  std::exception_ptr m_error;
  std::vector<InstructionRecord> m_records;
  Stat& m_instructions;
};

}  // namespace imcsim::firmware
