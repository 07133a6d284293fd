#include "workloads/training/pulsed_dense.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"

namespace imcsim::workloads::training {

namespace {

/// Stacks the chunks of a minibatch.
Matrix stack(const std::vector<Matrix>& chunks) {
  Eigen::Index rows = 0;
  for (const Matrix& c : chunks) rows += c.rows();
  Matrix out(rows, chunks.front().cols());
  Eigen::Index at = 0;
  for (const Matrix& c : chunks) {
    out.middleRows(at, c.rows()) = c;
    at += c.rows();
  }
  return out;
}

/// The read of chunk k: the pass's step as the stream, the chunk's first sample as the image.
hw::ReadId read_id(const Pass& pass, std::size_t k) {
  return {static_cast<std::uint32_t>(pass.step), static_cast<std::uint64_t>(pass.first[k])};
}

}  // namespace

PulsedDense::PulsedDense(std::string name, int in, int out, const PulsedLayerConfig& config,
                         const hw::PulsedDeviceModel& device, std::uint32_t id)
    : Layer(name, {1, 1, in}),
      m_in(in),
      m_out(out),
      m_config(config),
      m_norm(std::max(std::fabs(device.config().w_max), std::fabs(device.config().w_min))),
      m_b(make_parameter(name + ".bias", {out}, 1, out)) {
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
  Matrix w(out, in);
  he_normal(w, in, config.seed, id);
  program(w);
}

void PulsedDense::program(const Matrix& w) {
  for (Tile& t : m_tiles) {
    const hw::WeightMatrix block = w.block(t.col0, t.row0, t.cols, t.rows).transpose() / m_config.weight_scale;
    t.array->set_weights(block + t.array->reference());
  }
  refresh_reads();
}

void PulsedDense::refresh_reads() {
  for (Tile& t : m_tiles) {
    t.crossbar->set_weights(t.array->effective_weights() / m_norm,
                            hw::Vector::Constant(t.cols, m_config.weight_scale * m_norm));
  }
}

void PulsedDense::forward(std::vector<Matrix>& x, const Pass& pass) {
  if (pass.training) m_x = stack(x);
  pass.pool->run(static_cast<int>(x.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix y = Matrix::Zero(x[k].rows(), m_out);
    for (const Tile& t : m_tiles)
      y.middleCols(t.col0, t.cols) += t.crossbar->forward(x[k].middleCols(t.row0, t.rows), read_id(pass, k));
    y.rowwise() += m_b.value.row(0);
    x[k] = std::move(y);
  });
}

void PulsedDense::backward(std::vector<Matrix>& dy, const Pass& pass) {
  m_d = stack(dy);
  m_b.grad = m_d.colwise().sum();
  if (!m_input_gradient) return;
  pass.pool->run(static_cast<int>(dy.size()), [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    Matrix dx = Matrix::Zero(dy[k].rows(), m_in);
    for (const Tile& t : m_tiles)
      dx.middleCols(t.row0, t.rows) += t.crossbar->backward(dy[k].middleCols(t.col0, t.cols), read_id(pass, k));
    dy[k] = std::move(dx);
  });
}

void PulsedDense::update_tile(int tile, float lr, std::uint64_t step) {
  Tile& t = m_tiles.at(static_cast<std::size_t>(tile));
  const hw::BatchMatrix x = m_x.middleCols(t.row0, t.rows);
  const hw::BatchMatrix d = m_d.middleCols(t.col0, t.cols);
  const hw::PulseUpdateCounts c = t.array->update(x, d, lr / m_config.weight_scale, m_config.update, step);
  hw::PulseUpdateCounts& sum = m_counts[static_cast<std::size_t>(tile)];
  sum.slots += c.slots;
  sum.row_pulses += c.row_pulses;
  sum.column_pulses += c.column_pulses;
  sum.coincidences += c.coincidences;
  if (tile == 0) m_sample_updates += static_cast<std::uint64_t>(x.rows());
}

Matrix PulsedDense::effective_weights() const {
  Matrix w(m_out, m_in);
  for (const Tile& t : m_tiles)
    w.block(t.col0, t.row0, t.cols, t.rows) = (t.array->effective_weights() * m_config.weight_scale).transpose();
  return w;
}

std::string PulsedDense::export_to(GraphWriter& g, const std::string& input) const {
  Parameter w = make_parameter(m_name + ".weight", {m_out, m_in}, m_out, m_in);
  w.value = effective_weights();
  g.constant(w);
  g.constant(m_b);
  Attribute trans_b;
  trans_b.i = 1;
  return g.node(m_name, "Gemm", {input, w.name, m_b.name}, {m_out}, {{"transB", trans_b}});
}

void PulsedDense::import_from(const Graph& graph) {
  Parameter w = make_parameter(m_name + ".weight", {m_out, m_in}, m_out, m_in);
  load_tensor(graph, w);
  load_tensor(graph, m_b);
  program(w.value);
}

std::vector<const hw::WeightMatrix*> PulsedDense::device_state() const {
  std::vector<const hw::WeightMatrix*> out;
  for (const Tile& t : m_tiles) {
    out.push_back(&t.array->weights());
    out.push_back(&t.array->reference());
  }
  return out;
}

void PulsedDense::restore(const Matrix& bias, const std::vector<hw::WeightMatrix>& state) {
  if (state.size() != 2 * m_tiles.size()) throw ParameterError(m_name + ".state", "another number of tiles");
  if (bias.size() != m_b.value.size()) throw ParameterError(m_name + ".bias", "another size");
  m_b.value = bias;
  for (std::size_t i = 0; i < m_tiles.size(); ++i) {
    m_tiles[i].array->set_reference(state[2 * i + 1]);
    m_tiles[i].array->set_weights(state[2 * i]);
  }
  refresh_reads();
}

std::vector<hw::WeightMatrix> PulsedDense::analytic_symmetry_points() const {
  std::vector<hw::WeightMatrix> out;
  for (const Tile& t : m_tiles) out.push_back(t.array->symmetry_points());
  return out;
}

}  // namespace imcsim::workloads::training
