#pragma once
// Randomized range finder and SVD (Halko, Martinsson and Tropp, SIAM Review 2011, algorithms 4.4 and 5.1), on any
// of the products of rla/matrix_products.h, and the exact spectrum they are measured against (docs/rla.md).
//
// Range finder with q power iterations: Y = A Omega (l = k + p columns); q times: Q = orth(Y), Z = orth(A^T Q),
// Y = A Z; then Q = orth(Y). SVD: B^T = A^T Q (n x l), B = U~ S V^T, U = Q U~, truncated to rank k. The digital
// steps are FP64 and logged as multiply-accumulates: a thin Householder QR of an r x l matrix 2 r l^2 (forming Q
// included), the SVD of B 2 n l^2 + 11 l^3 (Golub and Van Loan's R-SVD), U = Q U~ m l k.

#include <Eigen/Core>

#include "rla/matrix_products.h"
#include "rla/work_log.h"

namespace imcsim::rla {

struct RsvdOptions {
  int rank = 10;             ///< k
  int oversampling = 10;     ///< p
  int power_iterations = 0;  ///< q
};

struct Rsvd {
  Eigen::MatrixXd u;      ///< m x k, orthonormal columns
  Eigen::VectorXd sigma;  ///< k, descending
  Eigen::MatrixXd v;      ///< n x k, orthonormal columns
};

/// Checks the options against A's size: ParameterError naming rla.rank, rla.oversampling or rla.power_iterations.
void check_rsvd_options(const RsvdOptions& options, Eigen::Index rows, Eigen::Index cols);

/// The orthonormal basis Q of the range finder (m x (k + p)).
Eigen::MatrixXd range_finder(MatrixProducts& a, const RsvdOptions& options, WorkLog& log);
/// Rank-k randomized SVD.
Rsvd randomized_svd(MatrixProducts& a, const RsvdOptions& options, WorkLog& log);

/// Orthonormal columns spanning y's (thin Householder QR), logged as 2 r l^2 multiply-accumulates.
Eigen::MatrixXd orthonormal_basis(const Eigen::MatrixXd& y, WorkLog& log);

/// The spectrum of A from the eigen-decomposition of A^T A (FP64): what exact SVD gives the rank-k errors of.
struct ExactSpectrum {
  Eigen::VectorXd sigma_squared;  ///< descending
  Eigen::MatrixXd v;              ///< right singular vectors, in the same order
  double frobenius_squared = 0;
};
ExactSpectrum exact_spectrum(const Eigen::MatrixXd& a);
/// ||A - A_k||_F / ||A||_F of the best rank-k approximation.
double exact_rank_error(const ExactSpectrum& s, int k);
/// ||A - U U^T A||_F / ||A||_F for U with orthonormal columns (sqrt of 1 - ||U^T A||_F^2 / ||A||_F^2).
double projection_error(const Eigen::MatrixXd& a, double frobenius_squared, const Eigen::MatrixXd& u);

}  // namespace imcsim::rla
