#pragma once
// What an on-chip calibration costs the chip (an offline one runs on the host against the noise model and costs the
// chip nothing), estimated from what the search did per tile (calibrate/tile_search.h: cost evaluations,
// column-error reads, programmings) with the chip's command costs (cores/core_costs.h through chip::core_params):
// - every programming programs the tile (program_weights) and reads the calibration vectors once, the drift
//   compensation's reference; every column-error read reads them twice (the compensation's probe at the drift time,
//   then the objective's read);
// - objective mse: every evaluation reads the tile's calibration vectors twice, as a column-error read does. The
//   tiles calibrate on their own cores at once: the time is the busiest core's, the energy the sum;
// - objective loss: every evaluation runs the network on the N calibration images, N inferences, each costed by
//   its MVMs (per tile mvms_per_inference / replicas reads; energy summed over the tiles, time the busiest core's
//   per inference, so the chip is taken as fully pipelined); the whole chip serves one evaluation at a time, so
//   layers and tiles add up.
// Only MVM and programming commands are costed: the digital units, the network and the host are left out, so both
// figures are lower bounds.

#include <vector>

#include "calibrate/model_calibration.h"
#include "chip/chip_config.h"
#include "firmware/model_mapping.h"
#include "workloads/weight_layers.h"

namespace imcsim::calibrate {

struct CalibrationCost {
  double vectors_read = 0;      ///< calibration vectors read by single tiles (not counting the inferences)
  double tiles_programmed = 0;  ///< programmings of a tile
  double inferences = 0;        ///< network passes of the loss objective
  double time_ns = 0;
  double energy_uj = 0;
};

/// `c` as calibrate_model() returned it for `options` (its LayerCalibration::vectors), with N = `images`.
CalibrationCost on_chip_cost(const chip::ChipConfig& config, const ModelCalibration& c,
                             const firmware::ModelMapping& mapping,
                             const std::vector<workloads::WeightLayer>& layers, const CalibrationOptions& options,
                             int images);

}  // namespace imcsim::calibrate
