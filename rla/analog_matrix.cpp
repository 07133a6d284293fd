#include "rla/analog_matrix.h"

#include <string>

#include "base/errors.h"
#include "base/task_pool.h"
#include "chip/accuracy.h"
#include "chip/adc_range_rule.h"
#include "chip/input_range_rule.h"
#include "hw/drift_compensation.h"

namespace imcsim::rla {

namespace {

using hw::BatchMatrix;

/// A read's pass key: the programming in the high 16 bits, the caller's pass (below probe_pass) in the low 16.
constexpr int programming_shift = 16;
/// Passes of the drift-compensation probes (never a caller's pass).
constexpr std::uint32_t probe_pass = 0xFFF0u;
/// Vectors of one task of a read call.
constexpr Eigen::Index chunk_vectors = 2048;

std::uint32_t pass_key(std::uint32_t programming, std::uint32_t pass) {
  if (pass >= probe_pass || programming >= (1u << programming_shift))
    throw Error("rla: read pass " + std::to_string(pass) + " of programming " + std::to_string(programming) +
                " is beyond the read keys (65,520 passes of 65,536 programmings)");
  return (programming << programming_shift) | pass;
}

/// The programming noise, drift exponents and faults of programming `programming` of the chip's devices.
std::uint64_t programming_seed(std::uint64_t seed, std::uint32_t programming) {
  return seed + std::uint64_t{programming} * 0x9E3779B97F4A7C15ull;
}

/// What the digital unit divides a read's inputs by: their 99th-percentile magnitude (1 for all zeros).
float input_scale(const BatchMatrix& x) {
  const float p = chip::abs_percentile(x, chip::input_percentile);
  return p > 0.0f ? p : 1.0f;
}

}  // namespace

/// One tile: its devices, and a crossbar per read direction (the column ADCs' and the row ADCs' gain settings).
struct AnalogMatrix::Tile {
  firmware::Tile tile;
  hw::Crossbar forward;
  hw::Crossbar transposed;
  hw::Vector forward_factors;
  hw::Vector transposed_factors;
};

firmware::LayerPlacement matrix_placement(const chip::ChipConfig& config, int rows, int cols) {
  const firmware::ChipGeometry geometry = chip::chip_geometry(config);
  firmware::LayerShape shape{"matrix", rows, cols};
  const firmware::LayerTiling tiling = firmware::tile_layer(shape, geometry);
  if (tiling.tiles() > geometry.cores())
    throw ParameterError("matrix", "a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix needs " +
                                       std::to_string(tiling.tiles()) + " cores of " +
                                       std::to_string(geometry.core_rows) + " x " + std::to_string(geometry.core_cols) +
                                       "; the chip has " + std::to_string(geometry.cores()));
  return firmware::map_model({shape}, geometry, firmware::Replication::none).layers.front();
}

AnalogMatrix::AnalogMatrix(const chip::ChipConfig& config, const hw::WeightMatrix& m,
                           const BatchMatrix& forward_calibration, const BatchMatrix& transposed_calibration,
                           double t_s, std::uint32_t programming)
    : m_rows(static_cast<int>(m.rows())),
      m_cols(static_cast<int>(m.cols())),
      m_placement(matrix_placement(config, m_rows, m_cols)),
      m_programming(programming) {
  const std::unique_ptr<hw::InferenceDeviceModel> device = hw::make_inference_device(config.device);
  const hw::CrossbarConfig xbar = config.crossbar();
  const bool per_core = config.compiler.adc_range == chip::AdcRange::per_core;
  const hw::DriftCompensationKind kind = config.noise.drift_compensation;
  for (const firmware::Tile& t : m_placement.tiles) {
    const auto core = static_cast<std::uint32_t>(t.core);
    hw::ProgrammedArray array(*device, config.mapping, programming_seed(config.sim.seed, programming), core);
    array.program(m.block(t.row0, t.col0, t.rows, t.cols));
    const hw::WeightMatrix programmed = array.programmed_normalised_weights();
    const hw::WeightMatrix now = array.normalised_weights_at(t_s);
    const hw::Vector& scales = array.column_scales();
    // The tile's calibration inputs as its DAC sees them: forward x / s, transposed (d * column scale) / s.
    BatchMatrix forward_probe;
    if (forward_calibration.rows() > 0) {
      forward_probe = forward_calibration.middleCols(t.row0, t.rows);
      forward_probe /= input_scale(forward_probe);
    }
    BatchMatrix transposed_probe;
    if (transposed_calibration.rows() > 0) {
      transposed_probe = transposed_calibration.middleCols(t.col0, t.cols);
      transposed_probe.array().rowwise() *= scales.transpose().array();
      transposed_probe /= input_scale(transposed_probe);
      transposed_probe.array().rowwise() /= scales.transpose().array();
    }
    hw::CrossbarConfig forward_xbar = xbar, transposed_xbar = xbar;
    if (per_core && forward_probe.rows() > 0)
      forward_xbar.adc.output_range =
          chip::mse_optimal_range(forward_probe * programmed, xbar.adc, xbar.adc.output_range);
    if (per_core && transposed_probe.rows() > 0) {
      BatchMatrix scaled = transposed_probe;
      scaled.array().rowwise() *= scales.transpose().array();
      transposed_xbar.adc.output_range =
          chip::mse_optimal_range(scaled * programmed.transpose(), xbar.adc, xbar.adc.output_range);
    }
    Tile tile{t, hw::Crossbar(forward_xbar, config.sim.seed, core),
              hw::Crossbar(transposed_xbar, config.sim.seed, core), hw::Vector::Ones(t.cols), hw::Vector::Ones(t.rows)};
    tile.forward.set_weights(now, scales);
    tile.transposed.set_weights(now, scales);
    if (kind != hw::DriftCompensationKind::none) {
      hw::Crossbar forward_then(forward_xbar, config.sim.seed, core),
          transposed_then(transposed_xbar, config.sim.seed, core);
      forward_then.set_weights(programmed, scales);
      transposed_then.set_weights(programmed, scales);
      if (forward_probe.rows() > 0) {
        hw::DriftCompensation c(kind, forward_probe);
        c.set_reference([&](const BatchMatrix& p) {
          return forward_then.forward(p, {(programming << programming_shift) | probe_pass, 0});
        });
        c.measure([&](const BatchMatrix& p) {
          return tile.forward.forward(p, {(programming << programming_shift) | (probe_pass + 1), 0});
        });
        tile.forward_factors = c.factors();
      }
      if (transposed_probe.rows() > 0) {
        hw::DriftCompensation c(kind, transposed_probe);
        c.set_reference([&](const BatchMatrix& p) {
          return transposed_then.backward(p, {(programming << programming_shift) | (probe_pass + 2), 0});
        });
        c.measure([&](const BatchMatrix& p) {
          return tile.transposed.backward(p, {(programming << programming_shift) | (probe_pass + 3), 0});
        });
        tile.transposed_factors = c.factors();
      }
    }
    m_tiles.push_back(std::move(tile));
  }
}

AnalogMatrix::~AnalogMatrix() = default;
AnalogMatrix::AnalogMatrix(AnalogMatrix&&) noexcept = default;

BatchMatrix AnalogMatrix::forward(const BatchMatrix& x, std::uint32_t pass, std::uint64_t first_vector,
                                  int threads) const {
  if (x.cols() != m_rows)
    throw ParameterError("matrix",
                         "a forward read takes " + std::to_string(m_rows) + " inputs, not " + std::to_string(x.cols()));
  return read(x, true, pass, first_vector, threads);
}

BatchMatrix AnalogMatrix::transposed(const BatchMatrix& d, std::uint32_t pass, std::uint64_t first_vector,
                                     int threads) const {
  if (d.cols() != m_cols)
    throw ParameterError(
        "matrix", "a transposed read takes " + std::to_string(m_cols) + " inputs, not " + std::to_string(d.cols()));
  return read(d, false, pass, first_vector, threads);
}

BatchMatrix AnalogMatrix::read(const BatchMatrix& x, bool forward, std::uint32_t pass, std::uint64_t first_vector,
                               int threads) const {
  BatchMatrix y = BatchMatrix::Zero(x.rows(), forward ? m_cols : m_rows);
  const Eigen::Index chunks = (x.rows() + chunk_vectors - 1) / chunk_vectors;
  // Per-tile input scales of the whole call (the digital unit scales what it sends to a core once per pass).
  std::vector<float> scales;
  for (const Tile& t : m_tiles) {
    if (forward) {
      scales.push_back(input_scale(x.middleCols(t.tile.row0, t.tile.rows)));
    } else {
      BatchMatrix d = x.middleCols(t.tile.col0, t.tile.cols);
      d.array().rowwise() *= t.forward.column_scales().transpose().array();
      scales.push_back(input_scale(d));
    }
  }
  const std::uint32_t key = pass_key(m_programming, pass);
  run_tasks(static_cast<std::size_t>(chunks), threads, [&](std::size_t c) {
    const Eigen::Index b0 = static_cast<Eigen::Index>(c) * chunk_vectors;
    const Eigen::Index n = std::min(chunk_vectors, x.rows() - b0);
    const hw::ReadId id{key, first_vector + static_cast<std::uint64_t>(b0)};
    for (std::size_t i = 0; i < m_tiles.size(); ++i) {
      const Tile& t = m_tiles[i];
      const float s = scales[i];
      if (forward) {
        const BatchMatrix in = x.block(b0, t.tile.row0, n, t.tile.rows) / s;
        BatchMatrix out = t.forward.forward(in, id);
        out.array().rowwise() *= t.forward_factors.transpose().array();
        y.block(b0, t.tile.col0, n, t.tile.cols) += out * s;
      } else {
        const BatchMatrix in = x.block(b0, t.tile.col0, n, t.tile.cols) / s;
        BatchMatrix out = t.transposed.backward(in, id);
        out.array().rowwise() *= t.transposed_factors.transpose().array();
        y.block(b0, t.tile.row0, n, t.tile.rows) += out * s;
      }
    }
  });
  return y;
}

}  // namespace imcsim::rla
