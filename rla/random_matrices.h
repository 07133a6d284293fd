#pragma once
// The random matrices of randomized linear algebra (docs/rla.md), drawn from counter-based streams (base/random.h,
// purpose sketch_matrix), so a matrix depends only on (seed, id) and its size, never on threads.

#include <cstdint>

#include <Eigen/Core>

namespace imcsim::rla {

/// Which random matrix of a run a stream draws (part of its key).
enum class SketchId : std::uint32_t { range_finder = 1, least_squares = 2, streaming = 3 };

/// rows x cols of independent N(0, 1); entry (i, j) is value j rows + i of its stream, so the first c columns
/// of a wider matrix are the matrix with c columns.
Eigen::MatrixXd gaussian_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed, SketchId id);

/// Columns [first_col, first_col + cols) of gaussian_matrix(rows, ...) (any total width): a wide matrix by blocks.
Eigen::MatrixXd gaussian_columns(Eigen::Index rows, Eigen::Index first_col, Eigen::Index cols, std::uint64_t seed,
                                 SketchId id);

/// Columns [first_col, first_col + cols) of a CountSketch with `rows` rows as a dense matrix: column i has one entry
/// +-1 in row h(i) (sign and row drawn from value i of the stream), so S A adds every data row, signed, into one
/// of `rows` buckets.
Eigen::MatrixXd count_sketch_columns(Eigen::Index rows, Eigen::Index first_col, Eigen::Index cols, std::uint64_t seed,
                                     SketchId id);

}  // namespace imcsim::rla
