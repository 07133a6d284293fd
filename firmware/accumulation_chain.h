#pragma once
// The HERMES dataflow of partial sums (plain C++): the row tiles of one column tile add their partial sums along a
// chain of cores as the data streams through their digital units (docs/timed-model.md, `stream=1`).

#include <functional>
#include <string>
#include <vector>

#include "firmware/program.h"

namespace imcsim::firmware {

/// Emits one column tile's accumulation chain: chain[0] corrects its ADC outputs and requantises them (act) and
/// streams them to chain[1], which adds its own corrected outputs as they arrive (acc, cut-through) and passes the
/// stream on, and so on; the last core ends with the sums after its digital pass (which also applies the
/// activation). `elements` data per core; the link chain[k] -> chain[k+1] is
/// tagged tag_of(k). Every instruction is attributed to `layer`. The caller emits the MVMs before.
void emit_accumulation_chain(Program& program, const std::vector<int>& chain, int elements,
                             const std::function<std::string(int)>& tag_of, int layer = -1);

}  // namespace imcsim::firmware
