#include "bench/full_load.h"

namespace imcsim::bench {

firmware::Program full_load_program(int cores, int rows, int cols, int mvms_per_core) {
  firmware::Program p;
  p.name = "full_load";
  firmware::Instruction mvm;
  mvm.op = firmware::Op::mvm;
  mvm.rows = rows;
  mvm.cols = cols;
  for (int c = 0; c < cores; ++c) {
    mvm.core = c;
    p.instructions.insert(p.instructions.end(), static_cast<std::size_t>(mvms_per_core), mvm);
  }
  return p;
}

}  // namespace imcsim::bench
