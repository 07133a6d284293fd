#pragma once
// Randomized PCA as a computer-vision front end (docs/rla.md): data centred digitally by its training mean,
// projected on k principal directions (from the exact spectrum or a randomized SVD of the centred data), and a
// classifier trained digitally on the training features. Plain C++, FP64.

#include <vector>

#include <Eigen/Core>

namespace imcsim::rla {

/// The mean of every column (1 x n).
Eigen::RowVectorXd column_means(const Eigen::MatrixXd& a);

/// Which class each row is: the nearest class centroid (Euclidean) of the training features.
class NearestCentroid {
 public:
  NearestCentroid(const Eigen::MatrixXd& features, const std::vector<int>& labels, int classes);
  std::vector<int> predict(const Eigen::MatrixXd& features) const;

 private:
  Eigen::MatrixXd m_centroids;  ///< classes x features
};

/// A linear classifier: ridge regression of one-hot labels on [features, 1], argmax of the scores.
class LinearClassifier {
 public:
  LinearClassifier(const Eigen::MatrixXd& features, const std::vector<int>& labels, int classes, double ridge = 1e-6);
  std::vector<int> predict(const Eigen::MatrixXd& features) const;

 private:
  Eigen::MatrixXd m_w;  ///< (features + 1) x classes
};

/// The fraction of predictions equal to the labels.
double accuracy(const std::vector<int>& predicted, const std::vector<int>& labels);

/// One-hot rows (rows x classes) of the labels.
Eigen::MatrixXd one_hot(const std::vector<int>& labels, int classes);

}  // namespace imcsim::rla
