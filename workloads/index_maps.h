#pragma once
// Data movement of N-d arrays in C order, expressed as index maps: out[j] = in[from[j]]. One description serves
// both constant folding at import (whole arrays) and the reference executor (one sample of an activation).
//
// Contract: shapes are fully known (no -1); every function checks its arguments against the shape and throws
// imcsim::Error with a message naming the offending argument (callers add the file and node).

#include <cstdint>
#include <vector>

namespace imcsim::workloads {

using Shape = std::vector<std::int64_t>;

struct IndexMap {
  Shape shape;                     ///< of the output
  std::vector<std::int64_t> from;  ///< per output element, its input element
};

std::int64_t element_count(const Shape& shape);

/// An integer stored as a float in a folded constant, saturated to the int64 range (INT64_MAX becomes a float
/// just above it, which a plain cast would wrap).
std::int64_t to_index(float value);

/// Axis in [-rank, rank) to [0, rank); throws naming `what` when out of range.
std::int64_t normalised_axis(std::int64_t axis, std::int64_t rank, const char* what);

/// ONNX Transpose; an empty perm reverses the axes.
IndexMap transpose_map(const Shape& shape, std::vector<std::int64_t> perm);

/// ONNX Gather: indices (of shape indices_shape, negative counting from the end) along axis.
IndexMap gather_map(const Shape& shape, std::int64_t axis, const std::vector<std::int64_t>& indices,
                    const Shape& indices_shape);

/// ONNX Slice (opset 10+): starts/ends/axes/steps as given, clamped like NumPy; empty axes means 0, 1, ...
IndexMap slice_map(const Shape& shape, const std::vector<std::int64_t>& starts, const std::vector<std::int64_t>& ends,
                   std::vector<std::int64_t> axes, std::vector<std::int64_t> steps);

/// ONNX Concat: the inputs laid end to end (input k's elements start at the sum of the sizes before it).
IndexMap concat_map(const std::vector<Shape>& shapes, std::int64_t axis);

/// Per element of `out`, the element of `operand` (aligned to the right, size-1 axes repeated).
std::vector<std::int64_t> broadcast_map(const Shape& operand, const Shape& out);

}  // namespace imcsim::workloads
