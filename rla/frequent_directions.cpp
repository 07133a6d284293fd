#include "rla/frequent_directions.h"

#include <algorithm>

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

namespace imcsim::rla {

namespace {

/// Shrinks the buffer in place: its rows become sigma'_i v_i^T with sigma'^2 = max(sigma^2 - sigma_{l+1}^2, 0).
void shrink(Eigen::MatrixXd& buffer, int l, FrequentDirections& fd) {
  const double rows = double(buffer.rows()), n = double(buffer.cols());
  fd.macs += 2.0 * n * rows * rows + 11.0 * rows * rows * rows + rows * n;
  fd.shrinks += 1;
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(buffer, Eigen::ComputeThinV);
  const Eigen::VectorXd s = svd.singularValues();
  const double delta = s.size() > l ? s(l) * s(l) : 0.0;
  buffer.setZero();
  for (Eigen::Index i = 0; i < std::min<Eigen::Index>(l, s.size()); ++i) {
    const double shrunk = std::max(0.0, s(i) * s(i) - delta);
    buffer.row(i) = std::sqrt(shrunk) * svd.matrixV().col(i).transpose();
  }
}

}  // namespace

FrequentDirections frequent_directions(const Eigen::MatrixXd& a, int l) {
  FrequentDirections fd;
  Eigen::MatrixXd buffer = Eigen::MatrixXd::Zero(2 * l, a.cols());
  Eigen::Index filled = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    if (filled == buffer.rows()) {
      shrink(buffer, l, fd);
      filled = l;
    }
    buffer.row(filled++) = a.row(i);
  }
  shrink(buffer, l, fd);
  fd.sketch = buffer.topRows(l);
  return fd;
}

double covariance_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& estimate) {
  const Eigen::MatrixXd difference = a.transpose() * a - estimate;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(difference, Eigen::EigenvaluesOnly);
  return eig.eigenvalues().cwiseAbs().maxCoeff() / a.squaredNorm();
}

}  // namespace imcsim::rla
