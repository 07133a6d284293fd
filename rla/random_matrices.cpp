#include "rla/random_matrices.h"

#include <vector>

#include "base/random.h"

namespace imcsim::rla {

namespace {

RandomStream stream(std::uint64_t seed, SketchId id, std::uint32_t part) {
  return RandomStream(StreamKey{seed, RandomPurpose::sketch_matrix, static_cast<std::uint32_t>(id), part});
}

}  // namespace

Eigen::MatrixXd gaussian_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, SketchId id) {
  return gaussian_columns(rows, 0, cols, seed, id);
}

Eigen::MatrixXd gaussian_columns(Eigen::Index rows, Eigen::Index first_col, Eigen::Index cols, std::uint64_t seed,
                                 SketchId id) {
  std::vector<float> v(static_cast<std::size_t>(rows * cols));
  stream(seed, id, 0).normal(v.data(), v.size(), static_cast<std::uint64_t>(first_col * rows));
  return Eigen::Map<const Eigen::MatrixXf>(v.data(), rows, cols).cast<double>();
}

Eigen::MatrixXd count_sketch_columns(Eigen::Index rows, Eigen::Index first_col, Eigen::Index cols, std::uint64_t seed,
                                     SketchId id) {
  std::vector<std::uint32_t> bits(static_cast<std::size_t>(cols));
  stream(seed, id, 1).bits(bits.data(), bits.size(), static_cast<std::uint64_t>(first_col));
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(rows, cols);
  for (Eigen::Index i = 0; i < cols; ++i) {
    const std::uint32_t b = bits[static_cast<std::size_t>(i)];
    s(static_cast<Eigen::Index>((b >> 1) % static_cast<std::uint32_t>(rows)), i) = (b & 1u) ? 1.0 : -1.0;
  }
  return s;
}

}  // namespace imcsim::rla
