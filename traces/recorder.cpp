#include "traces/recorder.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

#include "base/errors.h"

namespace imcsim::traces {

Trace record_trace(const chip::ChipConfig& config, const firmware::CompiledModel& model,
                   const std::vector<firmware::InstructionRecord>& records,
                   const std::vector<chip::TimelineEvent>& timeline) {
  const firmware::Program& program = model.program;
  Trace t;
  t.cores = static_cast<std::uint32_t>(config.cores.count);
  t.inferences = static_cast<std::uint32_t>(std::max(0, model.inferences));
  t.offchip_node = static_cast<std::uint32_t>(config.interconnect.offchip_node);
  t.macs_per_inference = static_cast<double>(model.macs_per_inference);
  t.program = program.name;
  t.model = model.model;
  t.chip = config.name;
  t.layers = program.layers;
  for (std::size_t k = 0; k < program.layers.size(); ++k) {
    t.layer_cores.push_back(k < model.layers.size() ? static_cast<std::uint32_t>(model.layers[k].cores) : 0);
  }
  const int offchip = config.interconnect.offchip_node;
  std::vector<std::uint32_t> last_of_core(static_cast<std::size_t>(config.cores.count), no_event);
  std::map<std::tuple<int, int, std::string>, std::uint32_t> sends;
  for (std::size_t i = 0; i < program.instructions.size(); ++i) {
    const firmware::Instruction& ins = program.instructions[i];
    if (ins.op == firmware::Op::send) {
      sends[{ins.core, ins.peer, ins.tag}] = static_cast<std::uint32_t>(i);
    }
  }
  std::uint32_t last_barrier = no_event;
  t.events.resize(program.instructions.size());
  for (std::size_t i = 0; i < program.instructions.size(); ++i) {
    const firmware::Instruction& ins = program.instructions[i];
    TraceEvent& e = t.events[i];
    const auto index = static_cast<std::uint32_t>(i);
    e.op = static_cast<std::uint8_t>(ins.op);
    e.flags = ins.stream ? 1 : 0;
    e.core = ins.core;
    e.layer = ins.layer;
    e.inference = i < model.instruction_inference.size() ? model.instruction_inference[i] : -1;
    e.rows = static_cast<std::uint32_t>(ins.rows);
    e.cols = static_cast<std::uint32_t>(ins.cols);
    e.vectors = static_cast<std::uint32_t>(ins.vectors);
    e.elements = static_cast<std::uint32_t>(ins.elements);
    e.bytes = static_cast<std::uint32_t>(ins.bytes);
    e.dep_barrier = last_barrier;
    if (i < records.size()) {
      e.issue_ns = records[i].start_ns;
      e.complete_ns = records[i].end_ns;
    }
    switch (ins.op) {
      case firmware::Op::load:
        e.src = offchip, e.dst = ins.core;
        break;
      case firmware::Op::store:
        e.src = ins.core, e.dst = offchip;
        break;
      case firmware::Op::send:
        e.src = ins.core, e.dst = ins.peer;
        break;
      case firmware::Op::recv: {
        const auto it = sends.find({ins.peer, ins.core, ins.tag});
        if (it == sends.end()) {
          throw InputError(program.name, ins.line, 0, "recv", "no matching send");
        }
        e.dep_send = it->second;
        break;
      }
      case firmware::Op::barrier:
        e.dep_barrier = no_event;
        e.dep_prev = last_barrier;
        last_barrier = index;
        continue;
      default:
        break;
    }
    auto& last = last_of_core[static_cast<std::size_t>(ins.core)];
    e.dep_prev = last;
    last = index;
  }
  std::uint32_t order = 0;
  for (const chip::TimelineEvent& e : timeline) {
    if (e.track != "network" || e.instruction < 0 || static_cast<std::size_t>(e.instruction) >= t.events.size()) {
      continue;
    }
    t.events[static_cast<std::size_t>(e.instruction)].transfer_order = order++;
  }
  return t;
}

}  // namespace imcsim::traces
