#include "rla/streaming_sketch.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/adc_range_rule.h"
#include "chip/core_params.h"
#include "chip/energy_breakdown.h"
#include "cores/core_costs.h"
#include "hw/crossbar.h"
#include "hw/pulsed_array.h"
#include "rla/random_matrices.h"

namespace imcsim::rla {

namespace {

/// Read passes of the read-outs: window k reads with pass read_pass + k.
constexpr std::uint32_t read_pass = 0x5000u;

/// G's rows [first, first + rows) as a rows x l matrix (G^T is drawn by columns: one column per data row).
Eigen::MatrixXd g_rows(std::uint64_t seed, Eigen::Index first, Eigen::Index rows, int l) {
  return gaussian_columns(l, first, rows, seed, SketchId::streaming).transpose();
}

struct Bank {
  std::vector<hw::PulsedArray> tiles;
};

/// One tile's share of the window's commands, costed.
struct TileWork {
  double update_ns = 0, readout_ns = 0, reset_ns = 0;
  double update_pj = 0, readout_pj = 0, reset_pj = 0;
};

}  // namespace

void check_streaming_options(const chip::ChipConfig& chip, const StreamingSketchOptions& o, Eigen::Index rows,
                             Eigen::Index cols) {
  const firmware::ChipGeometry g = chip::chip_geometry(chip);
  if (o.sketch_rows < 1 || o.sketch_rows > g.core_cols || o.sketch_rows > cols)
    throw ParameterError("rla.sketch_rows", "the streaming sketch's rows l must be 1 to min(" +
                                                std::to_string(g.core_cols) + " core columns, " + std::to_string(cols) +
                                                " features), not " + std::to_string(o.sketch_rows));
  if (o.window_rows < 1 || o.window_rows > rows)
    throw ParameterError("rla.window_rows", "the window must be 1 to " + std::to_string(rows) + " rows, not " +
                                                std::to_string(o.window_rows));
  if (o.pulse_length < 1 || o.pulse_length > 1024)
    throw ParameterError("rla.pulse_length",
                         "the pulse length must be 1 to 1024, not " + std::to_string(o.pulse_length));
  const int row_tiles = (static_cast<int>(cols) + g.core_rows - 1) / g.core_rows;
  if (2 * row_tiles > g.cores())
    throw ParameterError("rla.sketch_rows", "two banks of " + std::to_string(row_tiles) +
                                                " cores do not fit the chip's " + std::to_string(g.cores()));
}

StreamingSketch streaming_sketch(const chip::ChipConfig& chip, const Eigen::MatrixXd& a,
                                 const StreamingSketchOptions& o, const std::function<void(int, int)>& progress) {
  check_streaming_options(chip, o, a.rows(), a.cols());
  const int l = o.sketch_rows, n = static_cast<int>(a.cols());
  const firmware::ChipGeometry geometry = chip::chip_geometry(chip);
  const firmware::LayerTiling tiling = firmware::tile_layer(firmware::LayerShape{"sketch", n, l}, geometry);
  const std::unique_ptr<hw::PulsedDeviceModel> device = hw::make_pulsed_device(chip.training_device.device);
  const float w_max = chip.training_device.device.w_max;
  const cores::CoreCosts costs(chip::core_params(chip));
  const hw::CrossbarConfig xbar = chip.crossbar();
  std::vector<int> row0;
  for (int r = 0; r < tiling.row_tiles; ++r) row0.push_back(r * tiling.tile_rows);
  const auto tile_rows = [&](int r) { return std::min(tiling.tile_rows, n - row0[static_cast<std::size_t>(r)]); };
  Bank banks[2];
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < tiling.row_tiles; ++r) {
      const auto core = static_cast<std::uint32_t>(b * tiling.row_tiles + r);
      banks[b].tiles.emplace_back(*device, tile_rows(r), l, o.seed, core);
      // From a blank state, the chip's own zero-shifting finds the symmetry points, as after every window.
      banks[b].tiles.back().zero_shift(chip.training_device.zero_shift, o.threads);
    }

  StreamingSketch s;
  s.tiles_per_bank = tiling.row_tiles;
  s.analog = Eigen::MatrixXd::Zero(l, n);
  s.digital = Eigen::MatrixXd::Zero(l, n);
  const Eigen::Index first_window = std::min<Eigen::Index>(o.window_rows, a.rows());
  const double largest_norm = a.topRows(first_window).colwise().norm().maxCoeff();
  const double largest_value = a.topRows(first_window).cwiseAbs().maxCoeff();
  const double pulse_limit = 0.5 * o.pulse_length * chip.training_device.device.dw_min / (3.0 * largest_value);
  const double eta = largest_norm > 0 ? std::min(w_max / (6.0 * largest_norm), pulse_limit) : 1.0;
  const int windows = static_cast<int>((a.rows() + o.window_rows - 1) / o.window_rows);
  const hw::PulseUpdateConfig update{o.pulse_length, true, false};
  const int pairs = chip.training_device.zero_shift.pulse_pairs;
  double update_uj = 0, readout_uj = 0, reset_uj = 0;
  double pending_ns = 0;  // the read-out and reset the other bank does while this one accumulates

  // Reads bank b's window out into s.analog (l transposed reads of one-hot inputs per tile) and resets it.
  const auto read_out = [&](int b, int window, bool reset) {
    double ns = 0;
    for (int r = 0; r < tiling.row_tiles; ++r) {
      hw::PulsedArray& tile = banks[b].tiles[static_cast<std::size_t>(r)];
      const int rows = tile.rows();
      const hw::WeightMatrix normalised = (tile.effective_weights() / w_max).cwiseMax(-1.0f).cwiseMin(1.0f);
      const hw::Vector scales = hw::Vector::Constant(l, w_max);
      hw::CrossbarConfig c = xbar;
      if (chip.compiler.adc_range == chip::AdcRange::per_core)
        c.adc.output_range =
            chip::mse_optimal_range(hw::BatchMatrix(normalised.transpose() * w_max), xbar.adc, xbar.adc.output_range);
      hw::Crossbar crossbar(c, o.seed, static_cast<std::uint32_t>(b * tiling.row_tiles + r));
      crossbar.set_weights(normalised, scales);
      const hw::BatchMatrix e = crossbar.backward(hw::BatchMatrix::Identity(l, l),
                                                  hw::ReadId{read_pass + static_cast<std::uint32_t>(window), 0});
      s.analog.middleCols(row0[static_cast<std::size_t>(r)], rows) += e.cast<double>() / eta;
      cores::CoreCommand read{cores::CoreOp::mvm_transposed, rows, l, l};
      const cores::CommandCost rc = costs.cost(read);
      double tile_ns = rc.latency_ns;
      readout_uj += rc.energy.total_pj() * 1e-6;
      if (reset) {
        tile.zero_shift(chip.training_device.zero_shift, o.threads);
        s.reset_pulses += 2.0 * pairs * rows * l;
        cores::CoreCommand pulses{cores::CoreOp::pulsed_update, rows, l, std::max(1, pairs)};
        pulses.pulse_length = 2;
        pulses.activity =
            cores::UpdateActivity{2.0 * pairs, 2.0 * pairs * rows, 2.0 * pairs * l, 2.0 * pairs * rows * l};
        cores::CoreCommand states{cores::CoreOp::mvm_transposed, rows, l, 2 * l};
        cores::CoreCommand reference{cores::CoreOp::program_weights, rows, l};
        for (const cores::CoreCommand& cmd : {pulses, states, reference}) {
          const cores::CommandCost cc = costs.cost(cmd);
          tile_ns += cc.latency_ns;
          reset_uj += cc.energy.total_pj() * 1e-6;
        }
      }
      ns = std::max(ns, tile_ns);
    }
    return ns;
  };

  for (int k = 0; k < windows; ++k) {
    const int b = k % 2;
    const Eigen::Index first = Eigen::Index{k} * o.window_rows;
    const Eigen::Index rows = std::min<Eigen::Index>(o.window_rows, a.rows() - first);
    const Eigen::MatrixXd g = g_rows(o.seed, first, rows, l);
    s.digital += g.transpose() * a.middleRows(first, rows);
    const hw::BatchMatrix d = (-g).cast<float>();
    double update_ns = 0;
    for (int r = 0; r < tiling.row_tiles; ++r) {
      hw::PulsedArray& tile = banks[b].tiles[static_cast<std::size_t>(r)];
      const hw::BatchMatrix x = a.block(first, row0[static_cast<std::size_t>(r)], rows, tile.rows()).cast<float>();
      const hw::PulseUpdateCounts counts =
          tile.update(x, d, static_cast<float>(eta), update, static_cast<std::uint64_t>(k), o.threads);
      cores::CoreCommand cmd{cores::CoreOp::pulsed_update, tile.rows(), l, static_cast<int>(rows)};
      cmd.pulse_length = o.pulse_length;
      cmd.activity = cores::UpdateActivity{double(counts.slots), double(counts.row_pulses),
                                           double(counts.column_pulses), double(counts.coincidences)};
      const cores::CommandCost cc = costs.cost(cmd);
      update_ns = std::max(update_ns, cc.latency_ns);
      update_uj += cc.energy.total_pj() * 1e-6;
      s.coincidences += double(counts.coincidences);
    }
    s.sample_updates += double(rows);
    s.time_ns += std::max(update_ns, pending_ns);
    // The other bank's read-out and reset overlap the next window; the last window is read out after the stream.
    pending_ns = read_out(b, k, k + 1 < windows);
    if (progress) progress(k + 1, windows);
  }
  s.time_ns += pending_ns;
  s.windows = windows;
  s.energy_uj = update_uj + readout_uj + reset_uj;
  s.static_energy_uj = chip::static_energy_pj(chip.technology, 2 * tiling.row_tiles, s.time_ns) * 1e-6;
  s.energy_breakdown_uj = {
      {"updates", update_uj}, {"read_out", readout_uj}, {"reset", reset_uj}, {"static", s.static_energy_uj}};
  s.digital_macs = double(a.rows()) * double(n) * l;
  s.eta = eta;
  return s;
}

}  // namespace imcsim::rla
