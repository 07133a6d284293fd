#include "rla/sketched_least_squares.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Eigenvalues>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "rla/analog_matrix.h"
#include "rla/random_matrices.h"

namespace imcsim::rla {

namespace {

constexpr double eigen_tolerance = 1e-10;
constexpr Eigen::Index calibration_vectors = 64;

/// The pseudo-inverse of a symmetric positive semi-definite Gram matrix, logged as 9 n^3 MACs.
Eigen::MatrixXd gram_pseudo_inverse(const Eigen::MatrixXd& gram, WorkLog& log) {
  const double n = double(gram.rows());
  log.macs(9.0 * n * n * n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  const Eigen::VectorXd lambda = eig.eigenvalues();
  const double largest = lambda.maxCoeff();
  Eigen::VectorXd inverse = Eigen::VectorXd::Zero(lambda.size());
  for (Eigen::Index i = 0; i < lambda.size(); ++i)
    if (lambda(i) > eigen_tolerance * largest) inverse(i) = 1.0 / lambda(i);
  return eig.eigenvectors() * inverse.asDiagonal() * eig.eigenvectors().transpose();
}

/// Columns [first, first + cols) of S (sketch_rows x data rows), scaled so that E[S^T S] = I.
Eigen::MatrixXd sketch_block(const LeastSquaresOptions& o, Eigen::Index first, Eigen::Index cols) {
  if (o.kind == SketchKind::count)
    return count_sketch_columns(o.sketch_rows, first, cols, o.seed, SketchId::least_squares);
  return gaussian_columns(o.sketch_rows, first, cols, o.seed, SketchId::least_squares) /
         std::sqrt(double(o.sketch_rows));
}

/// The most data rows per programming: whole row tiles of the chip's cores next to the sketch's column tiles.
Eigen::Index sketch_block_rows(const chip::ChipConfig& chip, int sketch_rows) {
  const firmware::ChipGeometry geometry = chip::chip_geometry(chip);
  const int col_tiles = (sketch_rows + geometry.core_cols - 1) / geometry.core_cols;
  const int cores = geometry.cores();
  const int row_tiles = cores / col_tiles;
  if (row_tiles < 1)
    throw ParameterError("rla.sketch_rows", "a sketch of " + std::to_string(sketch_rows) + " rows needs " +
                                                std::to_string(col_tiles) + " cores per block; the chip has " +
                                                std::to_string(cores));
  return Eigen::Index{row_tiles} * geometry.core_rows;
}

}  // namespace

const NameTable<SketchKind>& sketch_kind_names() {
  static const NameTable<SketchKind> names{{SketchKind::gaussian, "gaussian"}, {SketchKind::count, "count"}};
  return names;
}

void check_least_squares_options(const LeastSquaresOptions& o, Eigen::Index rows, Eigen::Index cols) {
  if (o.sketch_rows < cols || o.sketch_rows > rows)
    throw ParameterError("rla.sketch_rows", "the sketch needs between " + std::to_string(cols) +
                                                " (the unknowns) and " + std::to_string(rows) +
                                                " (the data rows) rows, not " + std::to_string(o.sketch_rows));
  if (o.refinement_steps < 0 || o.refinement_steps > 100)
    throw ParameterError("rla.refine", "refinement steps must be 0 to 100, not " + std::to_string(o.refinement_steps));
}

Eigen::MatrixXd exact_least_squares(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, WorkLog& log) {
  const double m = double(a.rows()), n = double(a.cols()), c = double(b.cols());
  log.macs(m * n * n + m * n * c + n * n * c);
  return gram_pseudo_inverse(a.transpose() * a, log) * (a.transpose() * b);
}

Eigen::MatrixXd sketch_rows(const Eigen::MatrixXd& ab, const LeastSquaresOptions& o, const chip::ChipConfig* chip,
                            double t_s, WorkLog& log) {
  const Eigen::Index m = ab.rows(), width = ab.cols();
  Eigen::MatrixXd sketch = Eigen::MatrixXd::Zero(o.sketch_rows, width);
  if (chip == nullptr) {
    constexpr Eigen::Index block = 4096;
    for (Eigen::Index first = 0; first < m; first += block) {
      const Eigen::Index rows = std::min(block, m - first);
      sketch += sketch_block(o, first, rows) * ab.middleRows(first, rows);
    }
    log.macs((o.kind == SketchKind::count ? 1.0 : double(o.sketch_rows)) * double(m) * double(width));
    return sketch;
  }
  const Eigen::Index block = sketch_block_rows(*chip, o.sketch_rows);
  std::uint32_t programming = 0;
  for (Eigen::Index first = 0; first < m; first += block) {
    const Eigen::Index rows = std::min(block, m - first);
    const Eigen::MatrixXd st = sketch_block(o, first, rows).transpose();  // rows x s: the block's data rows drive it
    const hw::BatchMatrix inputs = ab.middleRows(first, rows).transpose().cast<float>();  // width x rows
    const hw::BatchMatrix probe = inputs.topRows(std::min(calibration_vectors, width));
    const AnalogMatrix arrays(*chip, st.cast<float>(), probe, hw::BatchMatrix(), t_s, programming++);
    log.program(static_cast<int>(rows), o.sketch_rows);
    sketch += arrays.forward(inputs, 0, 0, o.threads).transpose().cast<double>();
    log.read(static_cast<int>(rows), o.sketch_rows, false, width);
    if (first > 0) log.macs(double(sketch.size()));
  }
  return sketch;
}

Eigen::MatrixXd sketch_and_solve(const Eigen::MatrixXd& sketch, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                 int refinement_steps, WorkLog& log) {
  const Eigen::Index n = a.cols();
  const Eigen::MatrixXd sa = sketch.leftCols(n), sb = sketch.rightCols(sketch.cols() - n);
  const double s = double(sa.rows()), nn = double(n), c = double(sb.cols()), m = double(a.rows());
  log.macs(s * nn * nn + s * nn * c + nn * nn * c);
  const Eigen::MatrixXd precondition = gram_pseudo_inverse(sa.transpose() * sa, log);
  Eigen::MatrixXd x = precondition * (sa.transpose() * sb);
  if (refinement_steps == 0) return x;
  // Conjugate gradients on A^T A X = A^T B, column by column at once, preconditioned by the sketch's Gram inverse.
  log.macs(2.0 * m * nn * c + nn * nn * c);
  Eigen::MatrixXd r = a.transpose() * (b - a * x);
  Eigen::MatrixXd z = precondition * r;
  Eigen::MatrixXd p = z;
  Eigen::ArrayXd rz = (r.array() * z.array()).colwise().sum().transpose();
  for (int step = 0; step < refinement_steps; ++step) {
    log.macs(2.0 * m * nn * c + nn * nn * c);
    const Eigen::MatrixXd w = a.transpose() * (a * p);
    const Eigen::ArrayXd pw = (p.array() * w.array()).colwise().sum().transpose();
    const Eigen::ArrayXd alpha = (pw > 0).select(rz / pw, 0.0);
    x += p * alpha.matrix().asDiagonal();
    r -= w * alpha.matrix().asDiagonal();
    z = precondition * r;
    const Eigen::ArrayXd rz_next = (r.array() * z.array()).colwise().sum().transpose();
    const Eigen::ArrayXd beta = (rz > 0).select(rz_next / rz, 0.0);
    p = z + p * beta.matrix().asDiagonal();
    rz = rz_next;
  }
  return x;
}

}  // namespace imcsim::rla
