#include "chip/analog_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "chip/adc_range_rule.h"
#include "chip/input_range_rule.h"
#include "hw/drift_compensation.h"
#include "workloads/reference_executor.h"

namespace imcsim::chip {

namespace {

using hw::BatchMatrix;

/// The read pass of the drift-compensation probe (never an MVM step of a layer).
constexpr std::uint32_t calibration_pass = 0xFFFFFF00u;

/// FP32 products that also keep up to `limit` input vectors of every layer, spread over the steps.
class CapturingEngine : public workloads::Fp32Engine {
 public:
  CapturingEngine(std::vector<workloads::WeightLayer> layers, int limit)
      : Fp32Engine(layers), m_captured(layers.size()), m_limit(limit) {}
  void multiply(std::size_t layer, const BatchMatrix& x, std::int64_t images, std::uint64_t first_image,
                std::uint32_t first_step, BatchMatrix& y) const override {
    Fp32Engine::multiply(layer, x, images, first_image, first_step, y);
    const std::lock_guard<std::mutex> lock(m_mutex);
    BatchMatrix& kept = m_captured[layer];
    const Eigen::Index room = m_limit - kept.rows();
    if (room <= 0) return;
    const Eigen::Index take = std::min<Eigen::Index>(room, x.rows());
    const Eigen::Index stride = std::max<Eigen::Index>(1, x.rows() / take);
    const Eigen::Index old = kept.rows();
    kept.conservativeResize(old + take, x.cols());
    for (Eigen::Index k = 0; k < take; ++k) kept.row(old + k) = x.row(k * stride);
  }
  std::vector<BatchMatrix> captured() const { return m_captured; }

 private:
  mutable std::vector<BatchMatrix> m_captured;
  mutable std::mutex m_mutex;
  int m_limit;
};

hw::WeightMatrix tile_weights(const workloads::WeightLayer& layer, const firmware::Tile& t) {
  return layer.matrix.block(t.row0, t.col0, t.rows, t.cols);
}

}  // namespace

AnalogModel::AnalogModel(const ChipConfig& config, std::vector<workloads::WeightLayer> layers,
                         firmware::ModelMapping mapping, const std::vector<BatchMatrix>& calibration,
                         const ResolvedRanges* ranges)
    : m_config(config),
      m_layers(std::move(layers)),
      m_mapping(std::move(mapping)),
      m_device(hw::make_inference_device(config.device)) {
  for (std::size_t k = 0; k < m_layers.size(); ++k) {
    const BatchMatrix& c = calibration.at(k);
    const float percentile = abs_percentile(c, input_percentile);
    const float layer_scale = percentile > 0.0f ? percentile : 1.0f;
    m_calibration.push_back(c);
    const std::vector<firmware::Tile>& tiles = m_mapping.layers[k].tiles;
    std::vector<hw::ProgrammedArray> arrays;
    std::vector<float> adc_ranges, input_scales;
    std::vector<std::vector<float>> column_kappa;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const firmware::Tile& t = tiles[i];
      const ResolvedTile calibrated = ranges != nullptr ? ranges->at(k).at(i) : ResolvedTile{};
      input_scales.push_back(calibrated.input_range.value_or(layer_scale));
      hw::ProgrammedArray array(*m_device, config.mapping, config.sim.seed, static_cast<std::uint32_t>(t.core));
      const hw::WeightMatrix weights = tile_weights(m_layers[k], t);
      if (calibrated.column_kappa.empty()) {
        array.program(weights);
      } else {
        const hw::Vector kappa = Eigen::Map<const hw::Vector>(calibrated.column_kappa.data(), t.cols);
        array.program(weights, hw::mapping_scales(weights, config.mapping).cwiseProduct(kappa));
      }
      adc_ranges.push_back(calibrated.adc_range
                               ? *calibrated.adc_range
                               : adc_range_of(array, c.middleCols(t.row0, t.rows) / input_scales.back()));
      arrays.push_back(std::move(array));
      column_kappa.push_back(calibrated.column_kappa);
    }
    m_arrays.push_back(std::move(arrays));
    m_adc_ranges.push_back(std::move(adc_ranges));
    m_input_scales.push_back(std::move(input_scales));
    m_column_kappa.push_back(std::move(column_kappa));
  }
}

RangeCalibration AnalogModel::ranges(const std::string& model, const std::string& chip) const {
  RangeCalibration c;
  c.model = model;
  c.chip = chip;
  c.seed = m_config.sim.seed;
  for (std::size_t k = 0; k < m_mapping.layers.size(); ++k) {
    const firmware::LayerPlacement& p = m_mapping.layers[k];
    LayerRanges l;
    l.name = p.shape.name;
    for (std::size_t i = 0; i < p.tiles.size(); ++i) {
      const firmware::Tile& t = p.tiles[i];
      TileRanges r;
      r.row_tile = t.row_tile;
      r.col_tile = t.col_tile;
      r.replica = static_cast<int>(i) / p.tiles_per_replica();
      r.rows = t.rows;
      r.cols = t.cols;
      if (m_config.noise.input_scaling != hw::InputScaling::abs_max) r.input_range = m_input_scales[k][i];
      r.adc_range = m_adc_ranges[k][i];
      r.column_kappa = m_column_kappa[k][i].empty() ? std::vector<float>(static_cast<std::size_t>(t.cols), 1.0f)
                                                    : m_column_kappa[k][i];
      l.tiles.push_back(std::move(r));
    }
    c.layers.push_back(std::move(l));
  }
  return c;
}

AnalogModel::~AnalogModel() = default;

float AnalogModel::adc_range_of(const hw::ProgrammedArray& array, const BatchMatrix& calibration) const {
  const float fixed = m_config.adc.output_range;
  if (m_config.compiler.adc_range == AdcRange::fixed || calibration.rows() == 0) return fixed;
  const BatchMatrix outputs = calibration * array.programmed_normalised_weights();
  return mse_optimal_range(outputs, m_config.adc, fixed);
}

std::shared_ptr<const workloads::MatrixEngine> AnalogModel::engine_at(double t_s, bool compensate) const {
  return analog_engine_at(t_s, compensate);
}

std::shared_ptr<const AnalogEngine> AnalogModel::analog_engine_at(double t_s, bool compensate) const {
  const hw::DriftCompensationKind kind =
      compensate ? m_config.noise.drift_compensation : hw::DriftCompensationKind::none;
  const hw::CrossbarConfig xbar = m_config.crossbar();
  std::vector<AnalogEngine::Layer> layers;
  for (std::size_t k = 0; k < m_layers.size(); ++k) {
    const firmware::LayerPlacement& p = m_mapping.layers[k];
    AnalogEngine::Layer l;
    l.rows = p.shape.rows;
    l.cols = p.shape.cols;
    l.replicas = p.replicas;
    for (std::size_t i = 0; i < p.tiles.size(); ++i) {
      const firmware::Tile& t = p.tiles[i];
      const hw::ProgrammedArray& array = m_arrays[k][i];
      const auto core = static_cast<std::uint32_t>(t.core);
      hw::CrossbarConfig tile_xbar = xbar;
      tile_xbar.adc.output_range = m_adc_ranges[k][i];
      hw::Crossbar now(tile_xbar, m_config.sim.seed, core);
      now.set_weights(array.normalised_weights_at(t_s), array.column_scales());
      hw::Vector factors = hw::Vector::Ones(t.cols);
      if (kind != hw::DriftCompensationKind::none && m_calibration[k].rows() > 0) {
        hw::Crossbar programmed(tile_xbar, m_config.sim.seed, core);
        programmed.set_weights(array.programmed_normalised_weights(), array.column_scales());
        hw::DriftCompensation compensation(
            kind, BatchMatrix(m_calibration[k].middleCols(t.row0, t.rows) / m_input_scales[k][i]));
        compensation.set_reference([&](const BatchMatrix& probe) {
          return programmed.forward(probe, hw::ReadId{calibration_pass, 0});
        });
        compensation.measure([&](const BatchMatrix& probe) {
          return now.forward(probe, hw::ReadId{calibration_pass + 1, 0});
        });
        factors = compensation.factors();
      }
      l.tiles.emplace_back(std::move(now), std::move(factors), t, m_input_scales[k][i]);
    }
    layers.push_back(std::move(l));
  }
  return std::make_shared<AnalogEngine>(std::move(layers));
}

std::vector<BatchMatrix> capture_layer_inputs(const workloads::Graph& graph, const BatchMatrix& samples,
                                              int max_vectors_per_layer) {
  auto engine = std::make_shared<CapturingEngine>(workloads::weight_layers(graph), max_vectors_per_layer);
  workloads::ReferenceExecutor(graph, engine).run(samples, 1);
  return engine->captured();
}

}  // namespace imcsim::chip
