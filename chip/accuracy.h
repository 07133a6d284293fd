#pragma once
// The accuracy half of the main job: top-1 of the FP32 reference and of the chip at each drift time, with and
// without drift compensation, over a whole data set. The chip's numbers come from AnalogModel (the compiler's
// tiles read through hw/, as the timed cores read them), batched over the images and the threads.

#include <functional>
#include <string>
#include <vector>

#include "chip/chip_config.h"
#include "chip/range_calibration.h"
#include "firmware/model_mapping.h"
#include "hw/types.h"
#include "workloads/dataset.h"
#include "workloads/graph.h"

namespace imcsim::chip {

struct AccuracyOptions {
  std::vector<double> drift_times_s = {1.0, 3600.0, 86400.0, 365.0 * 86400.0};
  int threads = 2;
  bool without_compensation = true;  ///< also evaluate every drift time without drift compensation
  /// Range calibration resolved against the mapping (chip/range_calibration.h); null: none. Must outlive the call.
  const ResolvedRanges* ranges = nullptr;
};

struct DriftAccuracy {
  double t_s = 0;
  double top1 = 0;  ///< with the configured drift compensation
  double top1_no_compensation = 0;
  int differing_images = 0;  ///< with compensation: images whose predicted class differs from FP32's
};

struct AccuracyResult {
  int images = 0;
  double fp32_top1 = 0;
  std::vector<DriftAccuracy> analog;
  double reference_s = 0;    ///< wall time of the FP32 pass
  double programming_s = 0;  ///< wall time of calibrating and programming the analog model
  double chip_s = 0;         ///< wall time of the analog passes (all drift times and compensation settings)
};

/// The geometry the compiler maps onto: core size, network grid and placement policy of the config.
firmware::ChipGeometry chip_geometry(const ChipConfig& config);
/// The weight layers' shapes as the mapper takes them.
std::vector<firmware::LayerShape> layer_shapes(const workloads::Graph& graph);

/// `calibration` holds a few samples (e.g. training images) whose layer inputs calibrate the input scales and
/// the drift compensation. `progress` is told what is being evaluated ("fp32", "t = 3600 s", ...) as each phase
/// begins; `images_done`, during the passes over the data set (the FP32 one and one per drift time and
/// compensation setting), the images that pass has done so far and its total (from the worker threads, one call
/// at a time).
AccuracyResult evaluate_accuracy(const ChipConfig& config, const workloads::Graph& graph,
                                 const firmware::ModelMapping& mapping, const workloads::Dataset& data,
                                 const hw::BatchMatrix& calibration, const AccuracyOptions& options,
                                 const std::function<void(const std::string&)>& progress = {},
                                 const std::function<void(int done, int total)>& images_done = {});

}  // namespace imcsim::chip
