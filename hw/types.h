#pragma once
// Matrix types of the numeric layer. Batches are row-major (one input vector per row, so one image's data is
// contiguous); weight matrices are column-major with rows = inputs and columns = outputs (DESIGN.md's
// orientation convention).

#include <Eigen/Core>

namespace imcsim::hw {

using BatchMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using WeightMatrix = Eigen::MatrixXf;
using Vector = Eigen::VectorXf;

/// Identifies one analog read for the random streams: which pass over the array (layer call, time step,
/// repetition) and the index of the first image of the batch. Row b of a batch is image first_image + b.
struct ReadId {
  std::uint32_t pass = 0;
  std::uint64_t first_image = 0;
};

}  // namespace imcsim::hw
