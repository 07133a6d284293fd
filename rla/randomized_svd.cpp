#include "rla/randomized_svd.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>

#include "base/errors.h"

namespace imcsim::rla {

void check_rsvd_options(const RsvdOptions& o, Eigen::Index rows, Eigen::Index cols) {
  const Eigen::Index smaller = std::min(rows, cols);
  if (o.rank < 1 || o.rank > smaller)
    throw ParameterError("rla.rank", "rank " + std::to_string(o.rank) +
                                         " is not between 1 and min(rows, cols) = " + std::to_string(smaller) +
                                         " of the " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
  if (o.oversampling < 0 || o.rank + o.oversampling > smaller)
    throw ParameterError("rla.oversampling", "rank + oversampling = " + std::to_string(o.rank + o.oversampling) +
                                                 " must be at most min(rows, cols) = " + std::to_string(smaller) +
                                                 " (oversampling >= 0)");
  if (o.power_iterations < 0 || o.power_iterations > 20)
    throw ParameterError("rla.power_iterations",
                         "power iterations must be 0 to 20, not " + std::to_string(o.power_iterations));
}

Eigen::MatrixXd orthonormal_basis(const Eigen::MatrixXd& y, WorkLog& log) {
  log.macs(2.0 * double(y.rows()) * double(y.cols()) * double(y.cols()));
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(y);
  return qr.householderQ() * Eigen::MatrixXd::Identity(y.rows(), y.cols());
}

Eigen::MatrixXd range_finder(MatrixProducts& a, const RsvdOptions& o, WorkLog& log) {
  check_rsvd_options(o, a.rows(), a.cols());
  const int l = o.rank + o.oversampling;
  Eigen::MatrixXd y = a.sketch(l, log);
  for (int i = 0; i < o.power_iterations; ++i) {
    const Eigen::MatrixXd q = orthonormal_basis(y, log);
    const Eigen::MatrixXd z = orthonormal_basis(a.transposed_times(q, log), log);
    y = a.times(z, log);
  }
  return orthonormal_basis(y, log);
}

Rsvd randomized_svd(MatrixProducts& a, const RsvdOptions& o, WorkLog& log) {
  a.begin(o.rank + o.oversampling, log);
  const Eigen::MatrixXd q = range_finder(a, o, log);
  const Eigen::MatrixXd bt = a.transposed_times(q, log);  // n x l
  const double n = double(bt.rows()), l = double(bt.cols());
  log.macs(2.0 * n * l * l + 11.0 * l * l * l);
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(bt, Eigen::ComputeThinU | Eigen::ComputeThinV);  // B^T = V S U~^T
  Rsvd r;
  r.sigma = svd.singularValues().head(o.rank);
  r.v = svd.matrixU().leftCols(o.rank);
  log.macs(double(q.rows()) * l * o.rank);
  r.u = q * svd.matrixV().leftCols(o.rank);
  return r;
}

ExactSpectrum exact_spectrum(const Eigen::MatrixXd& a) {
  const Eigen::MatrixXd gram = a.transpose() * a;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  ExactSpectrum s;
  s.sigma_squared = eig.eigenvalues().reverse().cwiseMax(0.0);
  s.v = eig.eigenvectors().rowwise().reverse();
  s.frobenius_squared = a.squaredNorm();
  return s;
}

double exact_rank_error(const ExactSpectrum& s, int k) {
  const double tail = s.sigma_squared.tail(s.sigma_squared.size() - k).sum();
  return std::sqrt(std::max(0.0, tail) / s.frobenius_squared);
}

double projection_error(const Eigen::MatrixXd& a, double frobenius_squared, const Eigen::MatrixXd& u) {
  const double captured = (u.transpose() * a).squaredNorm();
  return std::sqrt(std::max(0.0, frobenius_squared - captured) / frobenius_squared);
}

}  // namespace imcsim::rla
