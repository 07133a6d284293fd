#include "report/utilisation.h"

#include <algorithm>
#include <map>
#include <string>

#include "base/errors.h"
#include "interconnect/topology.h"

namespace imcsim::report {

nlohmann::ordered_json per_core_utilisation(const firmware::CompiledModel& model, const chip::ModelTiming& timing,
                                            int cores) {
  const auto& instructions = model.program.instructions;
  const auto& records = timing.simulation.instructions;
  if (records.size() != instructions.size()) throw Error("per_core_utilisation: the timing is not of this model");
  std::vector<double> busy(static_cast<std::size_t>(std::max(cores, 0)), 0.0);
  for (std::size_t i = 0; i < instructions.size(); ++i) {
    const auto& ins = instructions[i];
    if (ins.op == firmware::Op::barrier || records[i].start_ns < 0 || model.instruction_inference[i] < 0) continue;
    if (ins.core >= 0 && ins.core < cores) busy[static_cast<std::size_t>(ins.core)] += records[i].busy_ns;
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (double ns : busy) j.push_back(timing.run_ns > 0 ? ns / timing.run_ns : 0.0);
  return j;
}

nlohmann::ordered_json per_link_utilisation(const chip::ModelTiming& timing,
                                            const interconnect::NetworkConfig& network) {
  const double phase_start =
      timing.start_ns.empty() ? 0.0 : *std::min_element(timing.start_ns.begin(), timing.start_ns.end());
  const double phase_end = phase_start + timing.run_ns;
  std::map<std::string, double> busy;
  for (const auto& e : timing.simulation.timeline) {
    if (e.track.rfind("link ", 0) != 0) continue;
    const double b = std::max(e.start_ns, phase_start), f = std::min(e.end_ns, phase_end);
    if (f > b) busy[e.track] += f - b;
  }
  const auto topology = interconnect::make_topology(network);
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& l : topology->links()) {
    const auto it = busy.find("link " + std::to_string(l.src) + "->" + std::to_string(l.dst));
    const double ns = it == busy.end() ? 0.0 : it->second;
    j.push_back({{"src", l.src}, {"dst", l.dst}, {"utilisation", timing.run_ns > 0 ? ns / timing.run_ns : 0.0}});
  }
  return j;
}

}  // namespace imcsim::report
