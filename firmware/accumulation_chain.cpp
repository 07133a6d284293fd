#include "firmware/accumulation_chain.h"

namespace imcsim::firmware {

void emit_accumulation_chain(Program& program, const std::vector<int>& chain, int elements,
                             const std::function<std::string(int)>& tag_of, int layer) {
  for (std::size_t k = 0; k < chain.size(); ++k) {
    if (k > 0) {
      Instruction recv{Op::recv, chain[k]};
      recv.peer = chain[k - 1];
      recv.tag = tag_of(static_cast<int>(k) - 1);
      recv.stream = true;
      recv.layer = layer;
      program.instructions.push_back(recv);
    }
    Instruction digital{k > 0 ? Op::acc : Op::act, chain[k]};
    digital.elements = elements;
    digital.stream = k > 0;  // adds the partial sum streamed from chain[k - 1]
    digital.layer = layer;
    program.instructions.push_back(digital);
    if (k + 1 < chain.size()) {
      Instruction send{Op::send, chain[k]};
      send.peer = chain[k + 1];
      send.bytes = elements;
      send.tag = tag_of(static_cast<int>(k));
      send.stream = true;
      send.layer = layer;
      program.instructions.push_back(send);
    }
  }
}

}  // namespace imcsim::firmware
