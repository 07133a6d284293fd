#pragma once
// What an algorithm's work on the arrays (rla/work_log.h) costs the chip, from timed runs of the SystemC chip
// through the run library (runner/run_anywhere.h; docs/rla.md):
// - reads of a rows x cols matrix: a one-layer model (workloads/single_layer.h: a MatMul over V vectors per
//   inference, V = min(vectors, block_vectors)) mapped without replicas, compiler.inferences inferences pipelined
//   through the timed chip. N vectors take the first inference's latency plus (N / V - 1) steady-state intervals
//   and N / V inferences' energy, by component (static power included). Transposed reads are timed as forward
//   reads of the cols x rows matrix: the same tiles read the other way (row ADCs, chains along the other side),
//   what the timed chip has no separate command for in an inference program.
// - a programming: the same run's programming time and energy (program-and-verify of every tile).
// - the digital part: its multiply-accumulates at the digital baseline (rla/digital_baseline.h).
// Everything runs one after the other: times add up.
//
// Contract: a shape is timed once per model (memoised); throws what runner::run_report throws.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "chip/chip_config.h"
#include "rla/digital_baseline.h"
#include "rla/work_log.h"

namespace imcsim::rla {

struct ChipCost {
  double reads_time_ns = 0;
  std::map<std::string, double> reads_energy_uj;  ///< by component (report.json's energy.breakdown names)
  double programming_time_ns = 0;
  double programming_energy_uj = 0;
  double digital_macs = 0;
  double digital_time_ns = 0;
  double digital_energy_uj = 0;

  double reads_energy_total_uj() const;
  /// Reads plus the digital part (programming counted apart).
  double time_ns() const { return reads_time_ns + digital_time_ns; }
  double energy_uj() const { return reads_energy_total_uj() + digital_energy_uj; }
  double static_energy_uj() const;
};

class ChipCostModel {
 public:
  ChipCostModel(const chip::ChipConfig& chip, const DigitalBaseline& baseline, int block_vectors = 256);
  ChipCost cost(const WorkLog& log);
  const DigitalBaseline& baseline() const { return m_baseline; }

 private:
  struct Timed {
    double latency_ns = 0, interval_ns = 0;
    std::map<std::string, double> energy_uj;  ///< per inference
    double programming_ns = 0, programming_uj = 0;
  };
  const Timed& timed(int rows, int cols, int vectors);

  chip::ChipConfig m_chip;
  DigitalBaseline m_baseline;
  int m_block_vectors;
  std::map<std::tuple<int, int, int>, Timed> m_timed;
};

/// The cost as JSON: reads (time, energy by component), programming, digital part, totals with and without
/// programming.
nlohmann::ordered_json chip_cost_json(const ChipCost& c);

}  // namespace imcsim::rla
