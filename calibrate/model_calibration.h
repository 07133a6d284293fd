#pragma once
// Range calibration of a mapped model, objective `mse` (calibrate/tile_search.h per tile): every tile of the
// mapping against its FP32 partial sums on the FP32 inputs of its layer (chip::capture_layer_inputs on training
// images). Offline: against the noise model over the setting's noise seeds, before the chip instance is known, so
// the replicas of a tile share its ranges (the file's replica -1) and the first replica's tiles are searched.
// The `loss` objective (layers in order, each seeing the calibrated earlier layers, on the network's
// cross-entropy) and the on-chip mode are not implemented here.
//
// Contract: the result is a pure function of the arguments, the same for any thread count (tiles are searched
// independently, each into its own slot, with single-threaded GEMM).

#include <string>
#include <vector>

#include "calibrate/tile_search.h"
#include "chip/chip_config.h"
#include "chip/range_calibration.h"
#include "firmware/model_mapping.h"
#include "workloads/weight_layers.h"

namespace imcsim::calibrate {

struct CalibrationOptions {
  Method method = Method::both;
  double drift_time_s = 3600.0;
  int noise_seeds = 3;
  int threads = 2;
};

struct LayerCalibration {
  std::string name;
  float default_input_range = 1;  ///< the uncalibrated run's: the 99th percentile of |input| of the layer
  std::vector<firmware::Tile> tiles;       ///< the first replica's, in mapping order
  std::vector<TileSearchResult> results;  ///< one per tile
};

struct ModelCalibration {
  chip::RangeCalibration ranges;  ///< what the calibration file holds
  std::vector<LayerCalibration> layers;
};

/// ParameterError("method") for a DAC calibration (dac, both) of a chip with noise.input_scaling abs_max.
/// `inputs[k]`: the calibration inputs of weight layer k (vectors x rows, layer units); `layers` and `mapping`
/// as chip::AnalogModel takes them.
ModelCalibration calibrate_model(const chip::ChipConfig& config, const std::string& model_name,
                                 const std::vector<workloads::WeightLayer>& layers,
                                 const firmware::ModelMapping& mapping, const std::vector<hw::BatchMatrix>& inputs,
                                 const CalibrationOptions& options);

}  // namespace imcsim::calibrate
