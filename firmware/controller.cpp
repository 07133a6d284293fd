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

cores::CoreCommand to_command(const Instruction& ins) {
  cores::CoreCommand c;
  c.rows = ins.rows;
  c.cols = ins.cols;
  c.vectors = ins.vectors;
  c.elements = ins.elements;
  c.bytes = ins.bytes;
  switch (ins.op) {
    case Op::program:
      c.op = cores::CoreOp::program_weights;
      break;
    case Op::mvm:
      c.op = cores::CoreOp::mvm;
      break;
    case Op::mvmt:
      c.op = cores::CoreOp::mvm_transposed;
      break;
    case Op::update:
      c.op = cores::CoreOp::pulsed_update;
      break;
    case Op::act:
    case Op::pool:
      c.op = cores::CoreOp::digital;
      break;
    case Op::acc:
      c.op = cores::CoreOp::accumulate;
      break;
    case Op::load:
      c.op = cores::CoreOp::buffer_write;
      break;
    case Op::store:
    case Op::send:
      c.op = cores::CoreOp::buffer_read;
      break;
    case Op::recv:
    case Op::barrier:
      break;
  }
  return c;
}

}  // namespace

Controller::Controller(const sc_core::sc_module_name& name, Program program, int core_count, int offchip_node,
                       StatisticsRegistry& stats)
    : sc_module(name),
      network_socket("network_socket"),
      m_program(std::move(program)),
      m_offchip_node(offchip_node),
      m_stream_finish_ns(static_cast<std::size_t>(core_count), -1.0),
      m_instructions(stats.declare(std::string(this->name()) + ".instructions", "instructions executed", "count")) {
  m_program.validate(core_count, m_program.name);
  for (int i = 0; i < core_count; ++i) {
    core_sockets.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Controller>>(
        ("core_socket_" + std::to_string(i)).c_str()));
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

sc_core::sc_time Controller::core_command(const Instruction& ins, sc_core::sc_time local) {
  cores::CoreCommandExtension extension;
  extension.command = to_command(ins);
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_address(cores::Core::address_of(ins.core));
  payload.set_data_ptr(nullptr);
  payload.set_data_length(0);
  payload.set_extension(&extension);
  (*core_sockets[static_cast<std::size_t>(ins.core)])->b_transport(payload, local);
  payload.clear_extension(&extension);
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) {
    throw InputError(m_program.name, ins.line, 0, op_name(ins.op),
                     "core " + std::to_string(ins.core) + " rejected the instruction (does it fit the core?)");
  }
  return local;
}

sc_core::sc_time Controller::transfer(const Instruction& ins, int src, int dst, double bits, sc_core::sc_time local) {
  interconnect::TransferExtension extension;
  extension.src = src;
  extension.dst = dst;
  extension.bits = bits;
  tlm::tlm_generic_payload payload;
  payload.set_command(tlm::TLM_WRITE_COMMAND);
  payload.set_extension(&extension);
  network_socket->b_transport(payload, local);
  payload.clear_extension(&extension);
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) {
    throw InputError(m_program.name, ins.line, 0, op_name(ins.op), "the network rejected the transfer");
  }
  return local;
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
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  for (const Instruction* ins : stream) {
    m_instructions += 1;
    sc_core::sc_time local = keeper.get_local_time();
    switch (ins->op) {
      case Op::load:
        local = transfer(*ins, m_offchip_node, core, 8.0 * ins->bytes, local);
        local = core_command(*ins, local);
        break;
      case Op::store:
        local = core_command(*ins, local);
        local = transfer(*ins, core, m_offchip_node, 8.0 * ins->bytes, local);
        break;
      case Op::send: {
        local = core_command(*ins, local);
        // The network interface carries the data on; the core continues once it has left its buffer.
        const sc_core::sc_time arrival = transfer(*ins, core, ins->peer, 8.0 * ins->bytes, local);
        Mailbox& box = m_mail.at(MailKey{core, ins->peer, ins->tag});
        box.posted = true;
        box.arrival_ns = now_ns() + arrival.to_seconds() * 1e9;
        box.event->notify(sc_core::SC_ZERO_TIME);
        break;
      }
      case Op::recv: {
        Mailbox& box = m_mail.at(MailKey{ins->peer, core, ins->tag});
        if (!box.posted) {
          keeper.sync();
          while (!box.posted) sc_core::wait(*box.event);
          local = sc_core::SC_ZERO_TIME;
        }
        local = ns(std::max(now_ns() + local.to_seconds() * 1e9, box.arrival_ns) - now_ns());
        break;
      }
      case Op::barrier:
        keeper.set(local);
        keeper.sync();
        arrive_at_barrier();
        keeper.reset();
        continue;
      default:
        local = core_command(*ins, local);
        break;
    }
    keeper.set(local);
    if (keeper.need_sync()) keeper.sync();
  }
  const double finish = now_ns() + keeper.get_local_time().to_seconds() * 1e9;
  m_stream_finish_ns[static_cast<std::size_t>(core)] = finish;
  m_finish_ns = std::max(m_finish_ns, finish);
  keeper.sync();
}

}  // namespace imcsim::firmware
