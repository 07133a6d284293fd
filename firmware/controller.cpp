#include "firmware/controller.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>

#include "base/errors.h"
#include "cores/core.h"
#include "interconnect/network.h"

namespace imcsim::firmware {

namespace {

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

sc_core::sc_time ns(double value) { return sc_core::sc_time(std::max(0.0, value), sc_core::SC_NS); }

}  // namespace

Controller::Controller(const sc_core::sc_module_name& name, Program program, int core_count, int offchip_node,
                       StatisticsRegistry& stats, bool order_transfers)
    : sc_module(name),
      network_socket("network_socket"),
      m_program(std::move(program)),
      m_offchip_node(offchip_node),
      m_order_transfers(order_transfers),
      m_records(m_program.instructions.size()),
      m_instructions(stats.declare(std::string(this->name()) + ".instructions", "instructions executed", "count")) {
  m_program.validate(core_count, m_program.name);
  for (int i = 0; i < core_count; ++i) {
    core_sockets.push_back(
        std::make_unique<tlm_utils::simple_initiator_socket<Controller>>(("core_socket_" + std::to_string(i)).c_str()));
    m_transfer_done.push_back(std::make_unique<sc_core::sc_event>());
  }
  if (m_order_transfers) {
    sc_core::sc_spawn_options options;
    sc_core::sc_spawn([this]() { book_transfers(); }, "transfer_booking", &options);
  }
  // Split the program into per-core streams; a barrier enters every stream that has instructions.
  std::vector<std::vector<const Instruction*>> streams(static_cast<std::size_t>(core_count));
  std::vector<bool> used(static_cast<std::size_t>(core_count), false);
  for (const auto& ins : m_program.instructions) {
    if (ins.core >= 0) used[static_cast<std::size_t>(ins.core)] = true;
  }
  for (const auto& ins : m_program.instructions) {
    if (ins.op == Op::barrier) {
      for (int c = 0; c < core_count; ++c) {
        if (used[static_cast<std::size_t>(c)]) streams[static_cast<std::size_t>(c)].push_back(&ins);
      }
    } else {
      streams[static_cast<std::size_t>(ins.core)].push_back(&ins);
    }
    if (ins.op == Op::send) m_mail[MailKey{ins.core, ins.peer, ins.tag}];
  }
  for (int c = 0; c < core_count; ++c) {
    if (!used[static_cast<std::size_t>(c)]) continue;
    ++m_streams;
    sc_core::sc_spawn_options options;
    sc_core::sc_spawn([this, c, s = streams[static_cast<std::size_t>(c)]]() { run_stream(c, s); },
                      ("stream_" + std::to_string(c)).c_str(), &options);
  }
}

double Controller::core_command(const Instruction& ins, double start_ns, StreamState& state) {
  cores::CoreCommandExtension extension;
  extension.command = core_command_of(ins);
  extension.command.start_ns = start_ns;
  const bool digital = digital_unit_command(extension.command.op);
  extension.command.stream_tail_ns = take_stream_tail(state, digital);
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(cores::Core::address_of(ins.core));
  payload.set_data_ptr(nullptr);
  payload.set_data_length(0);
  payload.set_extension(&extension);
  sc_core::sc_time delay = ns(start_ns - now_ns());
  (*core_sockets[static_cast<std::size_t>(ins.core)])->b_transport(payload, delay);
  payload.clear_extension(&extension);
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) {
    throw InputError(m_program.name, ins.line, 0, op_name(ins.op),
                     "core " + std::to_string(ins.core) + " rejected the instruction: " + extension.error);
  }
  InstructionRecord& record = record_of(ins);
  record.busy_ns += extension.end_ns - extension.start_ns;
  record.energy = extension.energy;
  command_done(state, digital, extension.start_ns, extension.end_ns, extension.pipeline_ns);
  return extension.end_ns;
}

Controller::Arrival Controller::transfer(const Instruction& ins, int src, int dst, double bits, double start_ns,
                                         double source_tail_ns) {
  // The transfer is requested at its start time (transfer_request_ns: later only when the stream had to wait for
  // a recv's data or a barrier; its quantum keeper never syncs past a start, sync_limit_ns) and booked in the
  // model's order (firmware/stream_rules.h), so results do not depend on the quantum or on the kernel's process
  // order. Cores need no such care: each has one stream.
  const double request_ns = transfer_request_ns(start_ns, now_ns());
  if (request_ns > now_ns()) sc_core::wait(ns(request_ns - now_ns()));
  TransferRequest request;
  request.src = src;
  request.dst = dst;
  request.bits = bits;
  request.start_ns = start_ns;
  request.source_tail_ns = source_tail_ns;
  request.core = ins.core;
  if (m_order_transfers) {
    m_pending.add(static_cast<std::size_t>(&ins - m_program.instructions.data()), &request);
    m_requested.notify(sc_core::SC_ZERO_TIME);
    while (!request.done) sc_core::wait(*m_transfer_done[static_cast<std::size_t>(ins.core)]);
  } else {
    request.ok = issue(request);
  }
  if (!request.ok) {
    throw InputError(m_program.name, ins.line, 0, op_name(ins.op), "the network rejected the transfer");
  }
  return request.result;
}

bool Controller::issue(TransferRequest& request) {
  interconnect::TransferExtension extension;
  extension.src = request.src;
  extension.dst = request.dst;
  extension.bits = request.bits;
  extension.start_ns = request.start_ns;
  extension.source_tail_ns = request.source_tail_ns;
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_extension(&extension);
  sc_core::sc_time delay = ns(request.start_ns - now_ns());
  network_socket->b_transport(payload, delay);
  payload.clear_extension(&extension);
  request.result = {extension.head_arrival_ns, extension.tail_arrival_ns};
  return payload.get_response_status() == tlm::TLM_OK_RESPONSE;
}

void Controller::book_transfers() {
  for (;;) {
    sc_core::wait(m_requested);
    while (!m_pending.empty()) {
      // Book only once the instant has nothing else to do: every stream that can request at it has.
      while (sc_core::sc_pending_activity_at_current_time()) sc_core::wait(sc_core::SC_ZERO_TIME);
      TransferRequest& request = *m_pending.take();
      request.ok = issue(request);
      request.done = true;
      m_transfer_done[static_cast<std::size_t>(request.core)]->notify(sc_core::SC_ZERO_TIME);
    }
  }
}

void Controller::arrive_at_barrier() {
  if (++m_barrier_waiting == m_streams) {
    m_barrier_waiting = 0;
    m_barrier_release.notify(sc_core::SC_ZERO_TIME);
  }
  sc_core::wait(m_barrier_release);
}

void Controller::rethrow_error() const {
  if (m_error) std::rethrow_exception(m_error);
}

void Controller::run_stream(int core, std::vector<const Instruction*> stream) {
  try {
    execute_stream(core, stream);
  } catch (...) {
    if (!m_error) m_error = std::current_exception();
    sc_core::sc_stop();
  }
}

void Controller::execute_stream(int core, const std::vector<const Instruction*>& stream) {
  // The stream keeps its own absolute time (`ready`); the quantum keeper only bounds how far it runs ahead
  // of the kernel, and never syncs past sync_limit_ns (a streamed send may still start there). Commands carry
  // absolute start times and transfers are booked in the model's order, so waiting for the kernel (a recv, a
  // sync) never changes the modelled timing and results do not depend on the quantum.
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  StreamState state;
  state.ready_ns = now_ns();
  double& ready = state.ready_ns;
  for (const Instruction* ins : stream) {
    m_instructions += 1;
    const double began = began_ns(state, ins->op, ins->stream);
    switch (ins->op) {
      case Op::load:
        ready = core_command(*ins, transfer(*ins, m_offchip_node, core, 8.0 * ins->bytes, ready).tail_ns, state);
        break;
      case Op::store:
        ready = core_command(*ins, ready, state);
        ready = transfer(*ins, core, m_offchip_node, 8.0 * ins->bytes, ready).tail_ns;
        break;
      case Op::send: {
        if (!ins->stream) {
          // The network interface carries the data on; the core continues once it has left its buffer.
          ready = core_command(*ins, ready, state);
        }
        const SendStart start = send_start(state, ins->stream);
        const Arrival a = transfer(*ins, core, ins->peer, 8.0 * ins->bytes, start.start_ns, start.source_tail_ns);
        Mailbox& box = m_mail.at(MailKey{core, ins->peer, ins->tag});
        box.posted = true;
        box.head_ns = a.head_ns;
        box.arrival_ns = a.tail_ns;
        box.event->notify(sc_core::SC_ZERO_TIME);
        break;
      }
      case Op::recv: {
        Mailbox& box = m_mail.at(MailKey{ins->peer, core, ins->tag});
        if (!box.posted) {
          keeper.set(ns(sync_limit_ns(state) - now_ns()));
          keeper.sync();
          while (!box.posted) sc_core::wait(*box.event);
        }
        receive(state, ins->stream, box.head_ns, box.arrival_ns);
        break;
      }
      case Op::barrier:
        keeper.set(ns(ready - now_ns()));
        keeper.sync();
        arrive_at_barrier();
        keeper.reset();
        ready = now_ns();
        continue;
      default:
        ready = core_command(*ins, ready, state);
        break;
    }
    InstructionRecord& record = record_of(*ins);
    record.start_ns = began;
    record.end_ns =
        ins->op == Op::send ? send_end_ns(state, m_mail.at(MailKey{core, ins->peer, ins->tag}).arrival_ns) : ready;
    keeper.set(ns(sync_limit_ns(state) - now_ns()));
    if (keeper.need_sync()) keeper.sync();
  }
  m_finish_ns = std::max(m_finish_ns, ready);
  keeper.set(ns(ready - now_ns()));
  keeper.sync();
}

}  // namespace imcsim::firmware
