#include "rla/matrix_products.h"

#include <algorithm>

#include "base/errors.h"
#include "rla/random_matrices.h"

namespace imcsim::rla {

namespace {

/// Inputs of every forward read that calibrate the ranges (the ADC gains, the drift probe): so many vectors.
constexpr Eigen::Index calibration_vectors = 64;

hw::BatchMatrix to_batch(const Eigen::MatrixXd& m) { return m.cast<float>(); }

}  // namespace

Eigen::MatrixXd DigitalProducts::sketch(int l, WorkLog& log) {
  return times(gaussian_matrix(m_a.cols(), l, m_seed, SketchId::range_finder), log);
}

Eigen::MatrixXd DigitalProducts::times(const Eigen::MatrixXd& x, WorkLog& log) {
  log.macs(double(m_a.rows()) * double(m_a.cols()) * double(x.cols()));
  return m_a * x;
}

Eigen::MatrixXd DigitalProducts::transposed_times(const Eigen::MatrixXd& y, WorkLog& log) {
  log.macs(double(m_a.rows()) * double(m_a.cols()) * double(y.cols()));
  return m_a.transpose() * y;
}

OmegaOnArrays::OmegaOnArrays(const chip::ChipConfig& config, const Eigen::MatrixXd& a, std::uint64_t seed, int max_cols,
                             double t_s, int threads)
    : DigitalProducts(a, seed) {
  const Eigen::MatrixXd omega = gaussian_matrix(a.cols(), max_cols, seed, SketchId::range_finder);
  const Eigen::Index probe = std::min(calibration_vectors, a.rows());
  const AnalogMatrix arrays(config, omega.cast<float>(), to_batch(a.topRows(probe)), hw::BatchMatrix(), t_s);
  m_y = arrays.forward(to_batch(a), 0, 0, threads).cast<double>();
}

void OmegaOnArrays::begin(int sketch_cols, WorkLog& log) { log.program(static_cast<int>(m_a.cols()), sketch_cols); }

Eigen::MatrixXd OmegaOnArrays::sketch(int l, WorkLog& log) {
  if (l > m_y.cols())
    throw ParameterError("rla.oversampling", "the arrays hold " + std::to_string(m_y.cols()) +
                                                 " columns of Omega, not " + std::to_string(l));
  log.read(static_cast<int>(m_a.cols()), l, false, m_a.rows());
  return m_y.leftCols(l);
}

AOnArrays::AOnArrays(const chip::ChipConfig& config, const Eigen::MatrixXd& a, std::uint64_t seed, int block_rows,
                     double t_s, int threads)
    : m_config(config), m_a(a), m_seed(seed), m_t_s(t_s), m_threads(threads) {
  const Eigen::Index per_block = block_rows > 0 ? block_rows : a.rows();
  for (Eigen::Index r = 0; r < a.rows(); r += per_block) {
    m_block_first.push_back(r);
    m_block_rows.push_back(std::min(per_block, a.rows() - r));
  }
  matrix_placement(config, static_cast<int>(a.cols()), static_cast<int>(m_block_rows.front()));  // fits, or throws
}

AOnArrays::~AOnArrays() = default;

const AnalogMatrix& AOnArrays::block(int b, WorkLog& log) {
  if (m_held_block == b) return *m_held;
  const Eigen::Index rows = m_block_rows[static_cast<std::size_t>(b)];
  const Eigen::MatrixXd at = m_a.middleRows(m_block_first[static_cast<std::size_t>(b)], rows).transpose();
  const Eigen::Index probe = calibration_vectors;
  const hw::BatchMatrix forward_probe = to_batch(gaussian_matrix(probe, at.rows(), m_seed + 1, SketchId::range_finder));
  const hw::BatchMatrix transposed_probe = to_batch(gaussian_matrix(probe, rows, m_seed + 2, SketchId::range_finder));
  m_held.reset();
  m_held = std::make_unique<AnalogMatrix>(m_config, at.cast<float>(), forward_probe, transposed_probe, m_t_s,
                                          m_programmings++);
  m_held_block = b;
  if (blocks() > 1) log.program(static_cast<int>(at.rows()), static_cast<int>(rows));
  return *m_held;
}

void AOnArrays::begin(int, WorkLog& log) {
  if (blocks() == 1) {
    block(0, log);
    log.program(static_cast<int>(m_a.cols()), static_cast<int>(m_a.rows()));
  } else {
    m_held.reset();
    m_held_block = -1;
  }
}

Eigen::MatrixXd AOnArrays::sketch(int l, WorkLog& log) {
  return times(gaussian_matrix(m_a.cols(), l, m_seed, SketchId::range_finder), log);
}

Eigen::MatrixXd AOnArrays::times(const Eigen::MatrixXd& x, WorkLog& log) {
  // Row block b of A Z is (Z^T A_b^T)^T: the columns of Z drive A_b^T's rows.
  Eigen::MatrixXd y(m_a.rows(), x.cols());
  const hw::BatchMatrix xt = to_batch(x.transpose());
  const std::uint32_t pass = m_passes++;
  for (int i = 0; i < blocks(); ++i) {
    const int b = pass % 2 == 0 ? i : blocks() - 1 - i;  // alternate, so the block on the arrays is read first
    const AnalogMatrix& arrays = block(b, log);
    y.middleRows(m_block_first[static_cast<std::size_t>(b)], m_block_rows[static_cast<std::size_t>(b)]) =
        arrays.forward(xt, pass, 0, m_threads).transpose().cast<double>();
    log.read(arrays.rows(), arrays.cols(), false, x.cols());
  }
  return y;
}

Eigen::MatrixXd AOnArrays::transposed_times(const Eigen::MatrixXd& y, WorkLog& log) {
  // A^T Y = sum_b A_b^T Y_b: the columns of Y_b drive A_b^T's columns (transposed reads).
  Eigen::MatrixXd z = Eigen::MatrixXd::Zero(m_a.cols(), y.cols());
  const std::uint32_t pass = m_passes++;
  for (int i = 0; i < blocks(); ++i) {
    const int b = pass % 2 == 0 ? i : blocks() - 1 - i;
    const AnalogMatrix& arrays = block(b, log);
    const Eigen::MatrixXd yb =
        y.middleRows(m_block_first[static_cast<std::size_t>(b)], m_block_rows[static_cast<std::size_t>(b)]);
    z += arrays.transposed(to_batch(yb.transpose()), pass, 0, m_threads).transpose().cast<double>();
    log.read(arrays.rows(), arrays.cols(), true, y.cols());
    if (i > 0) log.macs(double(z.size()));
  }
  return z;
}

}  // namespace imcsim::rla
