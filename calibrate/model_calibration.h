#pragma once
// Range calibration of a mapped model: every tile's DAC range, column ranges and ADC range (calibrate/tile_search.h)
// on one of two objectives, in one of two modes.
//
// Objectives:
//   mse  : per tile, the MSE of its partial sums against FP32 on the FP32 inputs of its layer
//          (chip::capture_layer_inputs on training images); the tiles are independent and searched in parallel.
//   loss : the network's cross-entropy on the calibration images (calibrate/network_loss.h). Layers calibrate in
//          order, each seeing the calibrated earlier layers; the tiles of one layer are searched in parallel, each
//          against the layer's other tiles at their uncalibrated ranges.
// Modes (calibrate/tile_objective.h):
//   offline : against the noise model over the setting's noise seeds, before the chip instance is known, so the
//             replicas of a tile share its ranges (the file's replica -1) and the first replica's tiles are searched.
//   on_chip : on the programmed instance (sim.seed) after programming: every tile of every replica is searched on
//             its own core's devices, and the file names each replica.
//
// Contract: the result is a pure function of the arguments, the same for any thread count (tiles are searched
// independently, each into its own slot, with single-threaded GEMM).

#include <string>
#include <vector>

#include "calibrate/tile_objective.h"
#include "calibrate/tile_search.h"
#include "chip/chip_config.h"
#include "chip/range_calibration.h"
#include "firmware/model_mapping.h"
#include "workloads/graph.h"
#include "workloads/weight_layers.h"

namespace imcsim::calibrate {

/// --objective: mse or loss (see above).
enum class Objective { mse, loss };
/// mse, loss.
const NameTable<Objective>& objective_names();

struct CalibrationOptions {
  Method method = Method::both;
  Objective objective = Objective::mse;
  Mode mode = Mode::offline;
  double drift_time_s = 3600.0;
  int noise_seeds = 3;  ///< offline; on chip the one instance
  int threads = 2;
};

/// The calibration images the `loss` objective runs the network on (training images, never test images).
struct LossImages {
  const workloads::Graph* graph = nullptr;
  hw::BatchMatrix samples;
  std::vector<int> labels;
};

struct LayerCalibration {
  std::string name;
  float default_input_range = 1;  ///< the uncalibrated run's: the 99th percentile of |input| of the layer
  int vectors = 0;                 ///< the layer's calibration vectors (each objective read reads them all)
  std::vector<firmware::Tile> tiles;       ///< the searched tiles, in mapping order
  std::vector<TileSearchResult> results;  ///< one per tile; objective values in the objective's units
};

struct ModelCalibration {
  chip::RangeCalibration ranges;  ///< what the calibration file holds
  std::vector<LayerCalibration> layers;
};

/// ParameterError("method") for a DAC calibration (dac, both) of a chip with noise.input_scaling abs_max;
/// ParameterError("objective") for `loss` without `images`. `inputs[k]`: the calibration inputs of weight layer k
/// (vectors x rows, layer units); `layers` and `mapping` as chip::AnalogModel takes them.
ModelCalibration calibrate_model(const chip::ChipConfig& config, const std::string& model_name,
                                 const std::vector<workloads::WeightLayer>& layers,
                                 const firmware::ModelMapping& mapping, const std::vector<hw::BatchMatrix>& inputs,
                                 const CalibrationOptions& options, const LossImages* images = nullptr);

/// Calibration vectors kept per weight layer of the training images (spread over the steps of the first images).
constexpr int calibration_vectors_per_layer = 1024;

/// What `imcsim calibrate` does: `graph` mapped as `mapping`, calibrated on the first `calibration_images`
/// Fashion-MNIST training images (never test images) through calibrate_model(); InputError when the images do not
/// fit the graph (`model_file` names it).
ModelCalibration calibrate_on_training_images(const chip::ChipConfig& config, const std::string& model_name,
                                              const std::string& model_file, const workloads::Graph& graph,
                                              const firmware::ModelMapping& mapping, int calibration_images,
                                              const CalibrationOptions& options);

}  // namespace imcsim::calibrate
