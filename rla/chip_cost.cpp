#include "rla/chip_cost.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "base/errors.h"
#include "runner/run_anywhere.h"
#include "workloads/single_layer.h"

namespace imcsim::rla {

void check_digital_baseline(const DigitalBaseline& b) {
  if (!std::isfinite(b.pj_per_mac) || b.pj_per_mac <= 0)
    throw ParameterError("rla.digital_pj_per_mac", "the digital energy per MAC must be a number > 0 (pJ)");
  if (!std::isfinite(b.macs_per_s) || b.macs_per_s <= 0)
    throw ParameterError("rla.digital_macs_per_s", "the digital throughput must be a number > 0 (MAC/s)");
}

double ChipCost::reads_energy_total_uj() const {
  double e = 0;
  for (const auto& [component, uj] : reads_energy_uj) e += uj;
  return e;
}

double ChipCost::static_energy_uj() const {
  const auto it = reads_energy_uj.find("static");
  return it == reads_energy_uj.end() ? 0.0 : it->second;
}

ChipCostModel::ChipCostModel(const chip::ChipConfig& chip, const DigitalBaseline& baseline, int block_vectors)
    : m_chip(chip), m_baseline(baseline), m_block_vectors(block_vectors) {
  check_digital_baseline(baseline);
  m_chip.compiler.replication = firmware::Replication::none;
}

const ChipCostModel::Timed& ChipCostModel::timed(int rows, int cols, int vectors) {
  const auto key = std::make_tuple(rows, cols, vectors);
  const auto found = m_timed.find(key);
  if (found != m_timed.end()) return found->second;
  runner::RunRequest request;
  request.chip = m_chip;
  auto graph = std::make_shared<workloads::Graph>(workloads::matmul_layer(rows, cols, vectors));
  graph->name = "rla-" + std::to_string(rows) + "x" + std::to_string(cols) + "x" + std::to_string(vectors);
  request.graph = graph;
  request.timing_only = true;
  const nlohmann::ordered_json report = runner::run_report(request);
  Timed t;
  t.latency_ns = report.at("latency").at("per_inference_ns").get<double>();
  t.interval_ns = report.at("throughput").at("interval_ns").get<double>();
  for (const auto& [component, uj] : report.at("energy").at("breakdown").items())
    t.energy_uj[component] = uj.get<double>();
  t.programming_ns = report.at("programming").at("time_ns").get<double>();
  t.programming_uj = report.at("programming").at("energy_uj").get<double>();
  return m_timed.emplace(key, std::move(t)).first->second;
}

ChipCost ChipCostModel::cost(const WorkLog& log) {
  ChipCost c;
  for (const ArrayReads& r : log.reads) {
    if (r.vectors <= 0) continue;
    const int rows = r.transposed ? r.cols : r.rows, cols = r.transposed ? r.rows : r.cols;
    const int v = static_cast<int>(std::min<std::int64_t>(r.vectors, m_block_vectors));
    const Timed& t = timed(rows, cols, v);
    const double inferences = double(r.vectors) / v;
    c.reads_time_ns += t.latency_ns + (inferences - 1.0) * t.interval_ns;
    for (const auto& [component, uj] : t.energy_uj) c.reads_energy_uj[component] += inferences * uj;
  }
  for (const ArrayProgramming& p : log.programmings) {
    const Timed& t = timed(p.rows, p.cols, 1);
    c.programming_time_ns += t.programming_ns;
    c.programming_energy_uj += t.programming_uj;
  }
  c.digital_macs = log.digital_macs;
  c.digital_time_ns = m_baseline.time_ns(log.digital_macs);
  c.digital_energy_uj = m_baseline.energy_uj(log.digital_macs);
  return c;
}

nlohmann::ordered_json chip_cost_json(const ChipCost& c) {
  nlohmann::ordered_json j;
  j["reads"] = {{"time_ns", c.reads_time_ns}, {"energy_uj", c.reads_energy_total_uj()}};
  j["reads"]["energy_breakdown_uj"] = nlohmann::ordered_json::object();
  for (const auto& [component, uj] : c.reads_energy_uj) j["reads"]["energy_breakdown_uj"][component] = uj;
  j["programming"] = {{"time_ns", c.programming_time_ns}, {"energy_uj", c.programming_energy_uj}};
  j["digital"] = {{"macs", c.digital_macs}, {"time_ns", c.digital_time_ns}, {"energy_uj", c.digital_energy_uj}};
  j["total"] = {{"time_ns", c.time_ns()},
                {"energy_uj", c.energy_uj()},
                {"time_with_programming_ns", c.time_ns() + c.programming_time_ns},
                {"energy_with_programming_uj", c.energy_uj() + c.programming_energy_uj}};
  return j;
}

}  // namespace imcsim::rla
