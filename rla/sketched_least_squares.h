#pragma once
// Sketch-and-solve least squares (docs/rla.md): min ||A X - B||_F for a tall A (m x n) through a sketch S (s x m,
// s << m) applied to [A B], solved as min ||S A X - S B||_F, then optionally refined digitally: conjugate gradients
// on the normal equations A^T A X = A^T B from the sketch's solution, preconditioned by the sketch's Gram inverse
// (A^T S^T S A)^+ (as Blendenpik and LSRN precondition with its QR factor); the preconditioned condition number,
// about ((1 + sqrt(n / s)) / (1 - sqrt(n / s)))^2, sets the rate. Plain preconditioned iterative refinement,
// X += (A^T S^T S A)^+ A^T (B - A X), diverges unless s is many times n (at s = 2.5 n the preconditioned spectrum
// reaches about 7), so it is not offered. Each step costs 2 m n c + n^2 c multiply-accumulates (c = columns of B).
//
// The sketch on the arrays: S^T is held in blocks of data rows (m_b x s per programming, the most rows that fit the
// chip), each block's columns of [A B] drive its rows (n + c forward reads per block), and the blocks' products
// are added digitally. S is Gaussian (N(0, 1 / s)) or a CountSketch (one +-1 per column): on dense crossbars both
// take the same arrays. Digitally, the Gaussian sketch costs s m (n + c) multiply-accumulates, the CountSketch
// m (n + c) additions (counted as MACs).
// Solves use the pseudo-inverse of the n x n Gram matrix (its eigen-decomposition, FP64; eigenvalues below 1e-10
// of the largest are dropped), as A (Fashion-MNIST's pixels) is rank-deficient: MACs s n^2 for the Gram matrix,
// 9 n^3 for the eigen-decomposition.

#include <cstdint>

#include <Eigen/Core>

#include "base/name_table.h"
#include "chip/chip_config.h"
#include "rla/work_log.h"

namespace imcsim::rla {

enum class SketchKind { gaussian, count };
/// gaussian, count.
const NameTable<SketchKind>& sketch_kind_names();

struct LeastSquaresOptions {
  int sketch_rows = 2000;  ///< s
  SketchKind kind = SketchKind::gaussian;
  int refinement_steps = 0;
  std::uint64_t seed = 1;  ///< of S
  int threads = 1;
};

/// The minimum-norm solution of min ||A X - B||_F (digital, FP64).
Eigen::MatrixXd exact_least_squares(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, WorkLog& log);

/// S [A B] (s x (n + c)): digitally when `chip` is null, else on its arrays read `t_s` after programming.
Eigen::MatrixXd sketch_rows(const Eigen::MatrixXd& ab, const LeastSquaresOptions& options, const chip::ChipConfig* chip,
                            double t_s, WorkLog& log);

/// Solves from the sketch S [A B] (n columns of A), then takes `refinement_steps` conjugate-gradient steps with the
/// exact A and B.
Eigen::MatrixXd sketch_and_solve(const Eigen::MatrixXd& sketch, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                                 int refinement_steps, WorkLog& log);

/// ParameterError naming rla.sketch_rows or rla.refine for options A's size cannot take.
void check_least_squares_options(const LeastSquaresOptions& options, Eigen::Index rows, Eigen::Index cols);

}  // namespace imcsim::rla
