#pragma once
// A model's weights on the chip, for the accuracy path: every tile of the mapping (firmware/model_mapping.h)
// programmed into its core's devices (hw::ProgrammedArray, array id = core) and read through that core's
// crossbar and periphery (chip/tile_numerics.h: the same reads the timed cores make).
//
// Input scales: a layer's inputs are divided by the 99th percentile of |input| over the calibration batch (what
// the digital unit's requantisation maps onto the DAC's range; larger inputs clip) and its outputs multiplied
// back. ADC ranges (compiler.adc_range): fixed, or per core: the full scale r that minimises clipping plus
// rounding and conversion noise over the tile's outputs on the calibration inputs right after programming.
// Drift compensation (noise.drift_compensation): each tile reads the layer's calibration inputs right after
// programming and again at the evaluation time, and scales its outputs by the ratio (hw/drift_compensation.h).
// Range calibration (chip/range_calibration.h): a tile's calibrated input range replaces the layer's input scale
// for that tile (its inputs, the drift-compensation probe included, are divided by it and its outputs multiplied
// back), its ADC range replaces compiler.adc_range, and its column kappa maps each column at kappa x its mapping
// scale (larger weights saturate at g_max).
// Reads, replicas and noise keys: chip/analog_engine.h.

#include <memory>
#include <vector>

#include "chip/analog_engine.h"
#include "chip/chip_config.h"
#include "chip/range_calibration.h"
#include "firmware/model_mapping.h"
#include "hw/device/inference_device.h"
#include "hw/programmed_array.h"
#include "workloads/matrix_engine.h"
#include "workloads/weight_layers.h"

namespace imcsim::chip {

class AnalogModel {
 public:
  /// `calibration[k]` holds inputs of weight layer k (vectors x rows), e.g. from a few training images. `ranges`,
  /// when given, was resolved against `mapping` (chip::resolve); only its values are kept.
  AnalogModel(const ChipConfig& config, std::vector<workloads::WeightLayer> layers, firmware::ModelMapping mapping,
              const std::vector<hw::BatchMatrix>& calibration, const ResolvedRanges* ranges = nullptr);
  ~AnalogModel();

  /// An engine that reads the arrays t_s seconds after programming, with or without drift compensation.
  std::shared_ptr<const workloads::MatrixEngine> engine_at(double t_s, bool compensate) const;
  /// The same engine with its tiles exposed (the timed path reads them on the cores).
  std::shared_ptr<const AnalogEngine> analog_engine_at(double t_s, bool compensate) const;

  const firmware::ModelMapping& mapping() const { return m_mapping; }
  /// ADC full scale of every tile (per layer, in mapping order): compiler.adc_range.
  const std::vector<std::vector<float>>& adc_ranges() const { return m_adc_ranges; }
  /// The input scale of every tile (per layer, in mapping order): the calibrated range or the layer's percentile.
  const std::vector<std::vector<float>>& input_scales() const { return m_input_scales; }
  /// The ranges this model uses, as a calibration file gives them: every tile (replica by replica) with its input
  /// scale, ADC range and column kappa (all 1 unless calibrated). A run with them computes what this model
  /// computes; a search may start from them. `model` and `chip` name the provenance.
  RangeCalibration ranges(const std::string& model, const std::string& chip) const;
  /// The programmed arrays (per layer, in mapping order).
  const std::vector<std::vector<hw::ProgrammedArray>>& arrays() const { return m_arrays; }

 private:
  /// The ADC full scale of a tile: adc.output_range, or with compiler.adc_range = per_core the full scale that
  /// minimises the conversion error of its programmed outputs over its calibration inputs.
  float adc_range_of(const hw::ProgrammedArray& array, const hw::BatchMatrix& calibration) const;

  ChipConfig m_config;
  std::vector<workloads::WeightLayer> m_layers;
  firmware::ModelMapping m_mapping;
  std::vector<hw::BatchMatrix> m_calibration;              ///< per layer, in the layer's input units
  std::vector<std::vector<float>> m_input_scales;          ///< per layer, per tile of the mapping
  std::unique_ptr<hw::InferenceDeviceModel> m_device;
  std::vector<std::vector<hw::ProgrammedArray>> m_arrays;  ///< per layer, per tile of the mapping
  std::vector<std::vector<float>> m_adc_ranges;            ///< per layer, per tile of the mapping
  std::vector<std::vector<std::vector<float>>> m_column_kappa;  ///< per layer, per tile; empty: all 1
};

/// The inputs each weight layer sees on the first `images` samples, run in FP32 (calibration batch).
std::vector<hw::BatchMatrix> capture_layer_inputs(const workloads::Graph& graph, const hw::BatchMatrix& samples,
                                                  int max_vectors_per_layer = 256);

}  // namespace imcsim::chip
