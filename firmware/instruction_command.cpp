#include "firmware/instruction_command.h"

namespace imcsim::firmware {

cores::CoreCommand core_command_of(const Instruction& ins) {
  cores::CoreCommand c;
  c.rows = ins.rows;
  c.cols = ins.cols;
  c.vectors = ins.vectors;
  c.elements = ins.elements;
  c.bytes = ins.bytes;
  c.partial_sum = ins.op == Op::acc && ins.stream;
  c.pulse_length = ins.pulse_length;
  c.activity = ins.activity;
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
    case Op::gdu:
      c.op = cores::CoreOp::global_digital;
      break;
    case Op::load:
    case Op::keep:  // an SRAM write of `bytes`, as a load's into the input buffer
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

}  // namespace imcsim::firmware
