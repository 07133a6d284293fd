#include "calibrate/calibration_cost.h"

#include <algorithm>
#include <map>

#include "chip/core_params.h"
#include "cores/core_costs.h"

namespace imcsim::calibrate {

namespace {

cores::CommandCost mvm(const cores::CoreCosts& costs, const firmware::Tile& t, double vectors) {
  cores::CoreCommand command;
  command.op = cores::CoreOp::mvm;
  command.rows = t.rows;
  command.cols = t.cols;
  command.vectors = std::max(1, static_cast<int>(vectors));
  return costs.cost(command);
}

cores::CommandCost programming(const cores::CoreCosts& costs, const firmware::Tile& t) {
  cores::CoreCommand command;
  command.op = cores::CoreOp::program_weights;
  command.rows = t.rows;
  command.cols = t.cols;
  return costs.cost(command);
}

/// One inference's MVMs: the busiest core's time (ns) and the energy of all (pJ).
std::pair<double, double> inference_mvms(const cores::CoreCosts& costs, const firmware::ModelMapping& mapping,
                                         const std::vector<workloads::WeightLayer>& layers) {
  std::map<int, double> core_ns;
  double energy_pj = 0;
  for (std::size_t k = 0; k < mapping.layers.size(); ++k) {
    const firmware::LayerPlacement& p = mapping.layers[k];
    const double reads = double(layers[k].mvms_per_inference) / double(std::max(1, p.replicas));
    for (const firmware::Tile& t : p.tiles) {
      const cores::CommandCost one = mvm(costs, t, 1);
      core_ns[t.core] += one.latency_ns * reads;
      energy_pj += one.energy.total_pj() * reads;
    }
  }
  double busiest = 0;
  for (const auto& [core, ns] : core_ns) busiest = std::max(busiest, ns);
  return {busiest, energy_pj};
}

}  // namespace

CalibrationCost on_chip_cost(const chip::ChipConfig& config, const ModelCalibration& c,
                             const firmware::ModelMapping& mapping,
                             const std::vector<workloads::WeightLayer>& layers, const CalibrationOptions& options,
                             int images) {
  const cores::CoreCosts costs(chip::core_params(config));
  const bool loss = options.objective == Objective::loss;
  const auto [inference_ns, inference_pj] = inference_mvms(costs, mapping, layers);
  CalibrationCost cost;
  std::map<int, double> core_ns;  // mse: each core's own calibration time
  double energy_pj = 0;
  for (const LayerCalibration& l : c.layers) {
    for (std::size_t i = 0; i < l.tiles.size(); ++i) {
      const firmware::Tile& t = l.tiles[i];
      const TileSearchResult& r = l.results[i];
      const double reads = double(r.programmings) + 2.0 * double(r.column_error_reads) +
                           (loss ? 0.0 : 2.0 * double(r.evaluations));
      const cores::CommandCost read = mvm(costs, t, l.vectors);
      const cores::CommandCost program = programming(costs, t);
      const double tile_ns = reads * read.latency_ns + double(r.programmings) * program.latency_ns;
      cost.vectors_read += reads * l.vectors;
      cost.tiles_programmed += r.programmings;
      energy_pj += reads * read.energy.total_pj() + double(r.programmings) * program.energy.total_pj();
      if (loss) {
        const double inferences = double(r.evaluations) * images;
        cost.inferences += inferences;
        cost.time_ns += tile_ns + inferences * inference_ns;
        energy_pj += inferences * inference_pj;
      } else {
        core_ns[t.core] += tile_ns;
      }
    }
  }
  for (const auto& [core, ns] : core_ns) cost.time_ns = std::max(cost.time_ns, ns);
  cost.energy_uj = energy_pj * 1e-6;
  return cost;
}

}  // namespace imcsim::calibrate
