#pragma once
// A Program: what the controller executes. One instruction stream per core, in program order, plus global
// barriers; cores run their streams concurrently and synchronise only through send/recv pairs and barriers.
//
// Text form (docs/program.md), one instruction per line, '#' starts a comment:
//   program NAME
//   layer K NAME                   declares layer K (0, 1, ...; NAME to the end of the line, spaces allowed)
//   core C: OP key=value ... [layer=K]
//   barrier
// with OP one of
//   program rows=R cols=K          program-and-verify the core's weight block
//   load bytes=N                   off-chip port -> input buffer (over the network from the port's node)
//   mvm rows=R cols=K [vectors=V]  analog MVM
//   mvmt rows=R cols=K [vectors=V] transposed MVM
//   update rows=R cols=K [vectors=V] [bl=BL] [slots=S row_pulses=P col_pulses=Q coincidences=N]
//                                  V pulsed sample updates of BL slots each; with the four counts (totals over
//                                  the V updates, all or none) what they fired, else the expected activity
//   act elements=N                 local digital unit: affine correction, activation, requantisation
//   pool elements=N                local digital unit: pooling
//   acc elements=N                 local digital unit: add partial sums received from other cores
//   gdu elements=N                 global digital unit: N LSTM cell outputs (gate non-linearities, products)
//   send to=D bytes=N [tag=T] [stream=1]  output buffer -> core D over the network; with stream=1 the data
//                                  leave as the previous instruction produces them (cut-through)
//   recv from=S [tag=T] [stream=1] wait for the matching send; with stream=1 the next instruction starts on
//                                  the first datum and consumes the rest as it arrives
//   store bytes=N                  output buffer -> off-chip port
//   keep bytes=N                   input buffer -> the core's activation store (local SRAM), for a later update
// Every core instruction may carry layer=K: the model layer it works for (firmware/model_compiler.h), so that its
// time and energy can be attributed to that layer; K must be a declared layer.

#include <optional>
#include <string>
#include <vector>

#include "cores/update_activity.h"

namespace imcsim::firmware {

/// `keep` comes last so that the numbers of the others (trace files store them) stay as they were.
enum class Op { program, load, mvm, mvmt, update, act, pool, acc, gdu, send, recv, store, barrier, keep };
std::string op_name(Op op);

struct Instruction {
  Op op = Op::mvm;
  int core = -1;  ///< -1 for barrier
  int rows = 0;
  int cols = 0;
  int vectors = 1;
  int elements = 0;
  int bytes = 0;
  int peer = -1;                                    ///< send: destination; recv: source
  std::string tag{};                                ///< pairs a send with its recv
  bool stream = false;                              ///< send/recv: cut-through streaming between digital units
  int pulse_length = cores::default_pulse_length;   ///< update: BL, slots per sample update
  std::optional<cores::UpdateActivity> activity{};  ///< update: what it fired (totals); absent: expected
  int line = 0;                                     ///< line in the text form (0 when built in code)
  int layer = -1;                                   ///< index into Program::layers; -1: none
};

struct Program {
  std::string name = "program";
  std::vector<Instruction> instructions;
  std::vector<std::string> layers;  ///< names of the layers instructions are attributed to (Instruction::layer)

  /// Highest core index used plus one.
  int cores_needed() const;
  /// Checks that every recv has exactly one matching send (same from/to/tag) and vice versa, and that cores
  /// are < core_count; throws InputError naming the line.
  void validate(int core_count, const std::string& source = "program") const;
};

/// Parses the text form; errors are InputErrors naming `source`, the line and the field.
Program parse_program(const std::string& text, const std::string& source);
Program load_program(const std::string& path);
/// The text form; parse_program(to_text(p)) reproduces p.
std::string to_text(const Program& program);

}  // namespace imcsim::firmware
