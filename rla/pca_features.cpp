#include "rla/pca_features.h"

#include <Eigen/Cholesky>

#include "base/errors.h"

namespace imcsim::rla {

Eigen::RowVectorXd column_means(const Eigen::MatrixXd& a) { return a.colwise().mean(); }

Eigen::MatrixXd one_hot(const std::vector<int>& labels, int classes) {
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(labels.size()), classes);
  for (std::size_t i = 0; i < labels.size(); ++i) y(static_cast<Eigen::Index>(i), labels[i]) = 1.0;
  return y;
}

NearestCentroid::NearestCentroid(const Eigen::MatrixXd& features, const std::vector<int>& labels, int classes)
    : m_centroids(Eigen::MatrixXd::Zero(classes, features.cols())) {
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    m_centroids.row(labels[i]) += features.row(static_cast<Eigen::Index>(i));
    counts(labels[i]) += 1.0;
  }
  for (int c = 0; c < classes; ++c)
    if (counts(c) > 0) m_centroids.row(c) /= counts(c);
}

std::vector<int> NearestCentroid::predict(const Eigen::MatrixXd& features) const {
  // argmin |f - c|^2 = argmax (f . c - |c|^2 / 2)
  const Eigen::MatrixXd scores =
      (features * m_centroids.transpose()).rowwise() - 0.5 * m_centroids.rowwise().squaredNorm().transpose();
  std::vector<int> out(static_cast<std::size_t>(features.rows()));
  for (Eigen::Index i = 0; i < features.rows(); ++i) scores.row(i).maxCoeff(&out[static_cast<std::size_t>(i)]);
  return out;
}

namespace {

Eigen::MatrixXd with_bias(const Eigen::MatrixXd& f) {
  Eigen::MatrixXd x(f.rows(), f.cols() + 1);
  x << f, Eigen::VectorXd::Ones(f.rows());
  return x;
}

}  // namespace

LinearClassifier::LinearClassifier(const Eigen::MatrixXd& features, const std::vector<int>& labels, int classes,
                                   double ridge) {
  const Eigen::MatrixXd x = with_bias(features);
  Eigen::MatrixXd gram = x.transpose() * x;
  gram.diagonal().array() += ridge * (gram.diagonal().mean() + 1.0);
  m_w = gram.ldlt().solve(x.transpose() * one_hot(labels, classes));
}

std::vector<int> LinearClassifier::predict(const Eigen::MatrixXd& features) const {
  const Eigen::MatrixXd scores = with_bias(features) * m_w;
  std::vector<int> out(static_cast<std::size_t>(features.rows()));
  for (Eigen::Index i = 0; i < features.rows(); ++i) scores.row(i).maxCoeff(&out[static_cast<std::size_t>(i)]);
  return out;
}

double accuracy(const std::vector<int>& predicted, const std::vector<int>& labels) {
  if (predicted.size() != labels.size() || labels.empty()) throw Error("accuracy of mismatched predictions");
  std::size_t right = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) right += predicted[i] == labels[i] ? 1 : 0;
  return double(right) / double(labels.size());
}

}  // namespace imcsim::rla
