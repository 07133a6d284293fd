#pragma once
// What the operator entries of workloads/operators/impl/ share: shape formatting and broadcasting for shape
// inference, the batch-x-features view of activations for execution, and the entries' common parts.

#include <cstdint>
#include <string>
#include <vector>

#include "hw/types.h"
#include "workloads/index_maps.h"
#include "workloads/operators/operator.h"

namespace imcsim::workloads::operators {

/// "[?, 3, 28, 28]": a shape in messages, -1 (dynamic) as "?".
std::string show(const Shape& s);
/// Two dimensions that may be equal (either unknown, or the same).
bool compatible(std::int64_t a, std::int64_t b);
/// NumPy broadcasting of two shapes; fails through the context when they do not broadcast.
Shape broadcast(const NodeContext& f, const Shape& a, const Shape& b);
/// The shape of an activation without its batch axis; fails when another dimension is unknown.
Shape sample_shape_or_fail(const NodeContext& f, const Tensor& t);

/// The shape of one sample of an activation: the batch axis taken out.
Shape sample_shape(const Tensor& t);
/// The shape as broadcasting sees one sample: the batch axis set to 1.
Shape one_sample(const Tensor& t);
/// An axis of the whole tensor as an axis of one sample.
std::int64_t sample_axis(const Tensor& t, std::int64_t axis);

/// A constant as one row (shape [N] or [1, N], e.g. a Gemm bias) broadcast over the batch.
hw::BatchMatrix constant_row(const Tensor& t);
/// out(:, j) = m(:, from[j]).
hw::BatchMatrix gather_columns(const hw::BatchMatrix& m, const std::vector<std::int64_t>& from);
/// from[j] == j for every column of a matrix with `size` columns.
bool is_identity(const std::vector<std::int64_t>& from, std::int64_t size);
/// rows x cols of a constant's data from element `offset` on, row-major.
Eigen::Map<const hw::BatchMatrix> view(const Tensor& t, std::int64_t offset, std::int64_t rows, std::int64_t cols);

/// Fails unless input 1 (a weight layer's weights) is a constant.
void require_constant_weights(const NodeContext& f);

/// Inference of a node whose one output has its first input's shape and batch axis.
std::vector<Tensor> same_shape(const NodeContext& f);
/// Execution of a node whose output holds its first input's elements in the same order.
std::vector<hw::BatchMatrix> pass_through(const Execution& e);

}  // namespace imcsim::workloads::operators
