#pragma once
// Frequent Directions (Liberty, KDD 2013; Ghashami et al., SIAM J. Comput. 2016): a deterministic l x n sketch B of
// a stream of rows with ||A^T A - B^T B||_2 <= ||A||_F^2 / l, the digital baseline of the streaming sketch
// (rla/streaming_sketch.h). Rows fill a buffer of 2l; when it is full its SVD shrinks every squared singular value
// by the (l+1)-th, which leaves at most l non-zero rows. Plain C++, FP64.

#include <Eigen/Core>

namespace imcsim::rla {

struct FrequentDirections {
  Eigen::MatrixXd sketch;  ///< l x n
  double shrinks = 0;      ///< SVDs of the 2l x n buffer
  /// Multiply-accumulates: per shrink the SVD (2 n (2l)^2 + 11 (2l)^3) and the rescaled rows (2l n).
  double macs = 0;
};

/// The sketch of `a`'s rows, in order. l >= 1.
FrequentDirections frequent_directions(const Eigen::MatrixXd& a, int sketch_rows);

/// ||A^T A - C||_2 / ||A||_F^2 for an estimate C (n x n) of the covariance (symmetric eigen-solve of the
/// difference).
double covariance_error(const Eigen::MatrixXd& a, const Eigen::MatrixXd& estimate);

}  // namespace imcsim::rla
