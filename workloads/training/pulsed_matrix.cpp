#include "workloads/training/pulsed_matrix.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"

namespace imcsim::workloads::training {

PulsedMatrix::PulsedMatrix(int in, int out, const PulsedLayerConfig& config, const hw::PulsedDeviceModel& device,
                           std::uint32_t id)
    : m_in(in),
      m_out(out),
      m_config(config),
      m_norm(std::max(std::fabs(device.config().w_max), std::fabs(device.config().w_min))) {
  if (!(config.weight_scale > 0)) throw ParameterError("train.weight_scale", "must be > 0");
  hw::CrossbarConfig read = config.crossbar;
  read.input_scaling = hw::InputScaling::abs_max;
  // As the chip's compiler tiles a layer (firmware::tile_layer): the fewest tiles of at most crossbar.rows x
  // crossbar.cols, of equal size (the last ones cut to the layer), so that every tile here is a core's tile there.
  const auto ceil_div = [](int a, int b) { return (a + b - 1) / b; };
  const int tile_rows = ceil_div(in, ceil_div(in, config.crossbar.rows));
  const int tile_cols = ceil_div(out, ceil_div(out, config.crossbar.cols));
  for (int c0 = 0; c0 < out; c0 += tile_cols) {
    for (int r0 = 0; r0 < in; r0 += tile_rows) {
      Tile t;
      t.row0 = r0;
      t.rows = std::min(tile_rows, in - r0);
      t.col0 = c0;
      t.cols = std::min(tile_cols, out - c0);
      const std::uint32_t array_id = id * 4096u + static_cast<std::uint32_t>(m_tiles.size());
      t.array = std::make_unique<hw::PulsedArray>(device, t.rows, t.cols, config.seed, array_id);
      read.rows = t.rows;
      read.cols = t.cols;
      t.crossbar = std::make_unique<hw::Crossbar>(read, config.seed, array_id);
      if (config.zero_shift && config.zero_shift_by_formula) {
        t.array->set_reference_to_symmetry_point();
      } else if (config.zero_shift) {
        m_found.push_back(t.array->zero_shift(config.zero_shift_config, config.threads));
      }
      m_tiles.push_back(std::move(t));
    }
  }
  m_counts.resize(m_tiles.size());
}

void PulsedMatrix::program(const Matrix& w) {
  for (Tile& t : m_tiles) {
    const hw::WeightMatrix block = w.block(t.col0, t.row0, t.cols, t.rows).transpose() / m_config.weight_scale;
    t.array->set_weights(block + t.array->reference());
  }
  refresh_reads();
}

void PulsedMatrix::refresh_reads() {
  for (Tile& t : m_tiles) {
    t.crossbar->set_weights(t.array->effective_weights() / m_norm,
                            hw::Vector::Constant(t.cols, m_config.weight_scale * m_norm));
  }
}

Matrix PulsedMatrix::forward(const Matrix& x, const hw::ReadId& read) const {
  Matrix y = Matrix::Zero(x.rows(), m_out);
  for (const Tile& t : m_tiles) y.middleCols(t.col0, t.cols) += t.crossbar->forward(x.middleCols(t.row0, t.rows), read);
  return y;
}

Matrix PulsedMatrix::backward(const Matrix& d, const hw::ReadId& read) const {
  Matrix dx = Matrix::Zero(d.rows(), m_in);
  for (const Tile& t : m_tiles) {
    dx.middleCols(t.row0, t.rows) += t.crossbar->backward(d.middleCols(t.col0, t.cols), read);
  }
  return dx;
}

void PulsedMatrix::update_tile(int tile, const Matrix& x, const Matrix& d, float lr, std::uint64_t step) {
  Tile& t = m_tiles.at(static_cast<std::size_t>(tile));
  const hw::BatchMatrix x_tile = x.middleCols(t.row0, t.rows);
  const hw::BatchMatrix d_tile = d.middleCols(t.col0, t.cols);
  const hw::PulseUpdateCounts c = t.array->update(x_tile, d_tile, lr / m_config.weight_scale, m_config.update, step);
  hw::PulseUpdateCounts& sum = m_counts[static_cast<std::size_t>(tile)];
  sum.slots += c.slots;
  sum.row_pulses += c.row_pulses;
  sum.column_pulses += c.column_pulses;
  sum.coincidences += c.coincidences;
  if (tile == 0) m_sample_updates += static_cast<std::uint64_t>(x.rows());
}

Matrix PulsedMatrix::effective_weights() const {
  Matrix w(m_out, m_in);
  for (const Tile& t : m_tiles)
    w.block(t.col0, t.row0, t.cols, t.rows) = (t.array->effective_weights() * m_config.weight_scale).transpose();
  return w;
}

std::vector<const hw::WeightMatrix*> PulsedMatrix::device_state() const {
  std::vector<const hw::WeightMatrix*> out;
  for (const Tile& t : m_tiles) {
    out.push_back(&t.array->weights());
    out.push_back(&t.array->reference());
  }
  return out;
}

void PulsedMatrix::restore(const std::string& name, const std::vector<hw::WeightMatrix>& state) {
  if (state.size() != 2 * m_tiles.size()) throw ParameterError(name + ".state", "another number of tiles");
  for (std::size_t i = 0; i < m_tiles.size(); ++i) {
    m_tiles[i].array->set_reference(state[2 * i + 1]);
    m_tiles[i].array->set_weights(state[2 * i]);
  }
  refresh_reads();
}

std::vector<hw::WeightMatrix> PulsedMatrix::analytic_symmetry_points() const {
  std::vector<hw::WeightMatrix> out;
  for (const Tile& t : m_tiles) out.push_back(t.array->symmetry_points());
  return out;
}

}  // namespace imcsim::workloads::training
