// Operators that keep every sample's elements in order: Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout
// and Cast (on constants folded at import), and Shape (always folded).

#include <algorithm>
#include <limits>

#include "base/errors.h"
#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

/// Product of the dimensions before the batch axis (1 when it is the first): a reshape keeps every sample's
/// elements in place exactly when this product is the same before and after.
std::int64_t outer_product(const Tensor& t) {
  std::int64_t p = 1;
  for (int k = 0; k < t.batch_axis; ++k) p *= t.shape[static_cast<std::size_t>(k)];
  return p;
}

/// Reshape of a constant: 0 copies the input's dimension (unless allowzero), one -1 takes the rest.
Tensor constant_reshape(const NodeContext& f, const std::vector<std::int64_t>& target, bool allow_zero) {
  const Tensor& x = f.in(0);
  Tensor out;
  std::int64_t known = 1;
  int infer = -1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    std::int64_t d = target[k];
    if (d == 0 && !allow_zero && k < x.shape.size()) d = x.shape[k];
    if (d == -1 && infer < 0) {
      infer = static_cast<int>(k);
    } else if (d < 0) {
      f.fail("the target shape " + show(target) + " is not a shape for " + show(x.shape));
    } else {
      known *= d;
    }
    out.shape.push_back(d);
  }
  if (infer >= 0 && known > 0) out.shape[static_cast<std::size_t>(infer)] = x.elements() / known;
  if (element_count(out.shape) != x.elements()) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
  return out;
}

std::vector<Tensor> reshape(const NodeContext& f) {
  const Tensor& x = f.in(0);
  std::vector<std::int64_t> target = f.constant_ints(1, true);
  const bool allow_zero = f.node.int_attribute("allowzero", 0) != 0;
  if (x.batch_axis < 0) return {constant_reshape(f, target, allow_zero)};
  const Shape sample = sample_shape_or_fail(f, x);
  const std::int64_t per_sample = element_count(sample);
  Tensor out;
  out.shape.resize(target.size());
  int batch = -1, infer = -1;
  std::int64_t known = 1;
  for (std::size_t k = 0; k < target.size(); ++k) {
    std::int64_t d = target[k];
    if (d == 0 && !allow_zero) {
      if (k >= x.shape.size()) f.fail("target dimension " + std::to_string(k) + " copies a dimension the input lacks");
      d = static_cast<int>(k) == x.batch_axis ? NodeContext::batch_symbol : x.shape[k];
    }
    if (d == NodeContext::batch_symbol) {
      if (batch >= 0) f.fail("the target shape " + show(target) + " names the batch twice");
      batch = static_cast<int>(k);
      out.shape[k] = -1;
    } else if (d == -1) {
      if (infer >= 0) f.fail("the target shape " + show(target) + " has two -1 entries");
      infer = static_cast<int>(k);
    } else if (d < 0) {
      f.fail("the target shape " + show(target) + " has a negative entry");
    } else {
      out.shape[k] = d;
      known *= d;
    }
  }
  if (batch < 0) {
    // Without the symbolic batch size, the inferred (-1) entry takes the batch when the rest is one sample.
    if (infer >= 0 && known == per_sample) {
      batch = infer;
      out.shape[static_cast<std::size_t>(infer)] = -1;
      infer = -1;
    } else if (x.shape[static_cast<std::size_t>(x.batch_axis)] >= 0) {
      // A static batch: the first axis that has the batch size and the same elements before it.
      const std::int64_t n = x.shape[static_cast<std::size_t>(x.batch_axis)];
      std::int64_t before = 1;
      for (std::size_t k = 0; k < target.size() && batch < 0; ++k) {
        if (static_cast<int>(k) != infer && out.shape[k] == n && before == outer_product(x)) {
          batch = static_cast<int>(k);
          known /= n;
        }
        if (static_cast<int>(k) != infer) before *= out.shape[k];
      }
    }
  }
  if (batch < 0) f.fail("the target shape " + show(target) + " does not keep the batch axis of " + show(x.shape));
  if (infer >= 0) {
    if (known == 0 || per_sample % known != 0) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
    out.shape[static_cast<std::size_t>(infer)] = per_sample / known;
    known *= per_sample / known;
  }
  if (known != per_sample) f.fail("cannot reshape " + show(x.shape) + " to " + show(target));
  out.batch_axis = batch;
  std::int64_t before = 1;
  for (int k = 0; k < batch; ++k) before *= out.shape[static_cast<std::size_t>(k)];
  if (before != outer_product(x)) {
    f.fail("reshaping " + show(x.shape) + " to " + show(target) + " would mix samples of the batch");
  }
  return {out};
}

std::vector<Tensor> squeeze(const NodeContext& f) {
  const Tensor& x = f.in(0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  std::vector<bool> drop(x.shape.size(), false);
  const auto axes = f.axes(1);
  if (axes.empty()) {
    for (std::size_t k = 0; k < x.shape.size(); ++k) drop[k] = x.shape[k] == 1 && static_cast<int>(k) != x.batch_axis;
  }
  for (const auto a : axes) {
    std::int64_t k = 0;
    try {
      k = normalised_axis(a, rank, "axis");
    } catch (const Error& e) {
      f.fail_attribute("axes", e.what());
    }
    f.keep_batch(x, k, "axes");
    if (x.shape[static_cast<std::size_t>(k)] != 1)
      f.fail_attribute("axes", "axis " + std::to_string(a) + " of " + show(x.shape) + " is not 1");
    drop[static_cast<std::size_t>(k)] = true;
  }
  Tensor out;
  for (std::size_t k = 0; k < x.shape.size(); ++k) {
    if (static_cast<int>(k) == x.batch_axis) out.batch_axis = static_cast<int>(out.shape.size());
    if (!drop[k]) out.shape.push_back(x.shape[k]);
  }
  return {out};
}

std::vector<Tensor> unsqueeze(const NodeContext& f) {
  const Tensor& x = f.in(0);
  const auto axes = f.axes(1);
  const auto rank = static_cast<std::int64_t>(x.shape.size() + axes.size());
  std::vector<bool> inserted(static_cast<std::size_t>(rank), false);
  for (const auto a : axes) {
    try {
      const auto k = static_cast<std::size_t>(normalised_axis(a, rank, "axis"));
      if (inserted[k]) f.fail_attribute("axes", "axis " + std::to_string(a) + " appears twice");
      inserted[k] = true;
    } catch (const Error& e) {
      f.fail_attribute("axes", e.what());
    }
  }
  Tensor out;
  std::size_t source = 0;
  for (std::size_t k = 0; k < inserted.size(); ++k) {
    if (inserted[k]) {
      out.shape.push_back(1);
      continue;
    }
    if (static_cast<int>(source) == x.batch_axis) out.batch_axis = static_cast<int>(k);
    out.shape.push_back(x.shape[source++]);
  }
  return {out};
}

std::vector<Tensor> flatten(const NodeContext& f) {
  const Tensor& x = f.in(0);
  std::int64_t axis = f.node.int_attribute("axis", 1);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) f.fail_attribute("axis", "out of range");
  Tensor out;
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t i = 0; i < rank; ++i) {
    const std::int64_t d = x.shape[static_cast<std::size_t>(i)];
    if (i == x.batch_axis) continue;
    std::int64_t& part = i < axis ? outer : inner;
    part = (part < 0 || d < 0) ? -1 : part * d;
  }
  if (x.batch_axis >= 0) {
    if (x.batch_axis >= axis) f.fail_attribute("axis", "would put the batch axis into the flattened features");
    if (outer != 1) f.fail_attribute("axis", "would merge the batch with other axes of " + show(x.shape));
    out.batch_axis = 0;
    out.shape = {x.shape[static_cast<std::size_t>(x.batch_axis)], inner};
  } else {
    out.shape = {outer, inner};
  }
  return {out};
}

/// A Reshape's target as the output shape, the batch as 0 (copy) when it stays on its axis and -1 otherwise, so
/// that an exported model does not carry the batch size of folded shape arithmetic.
void explicit_reshape_target(Graph& graph, Node& node) {
  const Tensor& x = graph.tensor(node.inputs[0]);
  const Tensor& y = graph.tensor(node.outputs[0]);
  if (x.batch_axis < 0) return;
  Tensor target;
  target.name = node.name + ".target_shape";
  for (int k = 1; graph.tensors.count(target.name) != 0; ++k)
    target.name = node.name + ".target_shape_" + std::to_string(k);
  target.shape = {static_cast<std::int64_t>(y.shape.size())};
  target.constant = true;
  target.integer = true;
  for (std::size_t k = 0; k < y.shape.size(); ++k) {
    const bool batch = static_cast<int>(k) == y.batch_axis;
    target.data.push_back(batch ? (y.batch_axis == x.batch_axis ? 0.0f : -1.0f) : static_cast<float>(y.shape[k]));
  }
  node.inputs[1] = target.name;
  graph.tensors[target.name] = target;
}

/// Shape's start and end, clamped to the rank.
std::pair<std::int64_t, std::int64_t> shape_range(const Node& node, std::int64_t rank) {
  std::int64_t start = node.int_attribute("start", 0), end = node.int_attribute("end", rank);
  start = std::clamp<std::int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<std::int64_t>(end < 0 ? end + rank : end, 0, rank);
  return {start, end};
}

std::vector<Tensor> infer_shape(const NodeContext& f) {
  const auto [start, end] = shape_range(f.node, static_cast<std::int64_t>(f.in(0).shape.size()));
  Tensor out;
  out.shape = {std::max<std::int64_t>(end - start, 0)};
  return {out};
}

/// The dimensions of the input, the batch size as NaN; fails when another one is unknown.
Folded fold_shape(const Graph& graph, const Node& node, const Tensor&) {
  const Tensor& x = graph.tensor(node.inputs.at(0));
  const auto [start, end] = shape_range(node, static_cast<std::int64_t>(x.shape.size()));
  Folded r;
  r.integer = true;
  for (std::int64_t k = start; k < end; ++k) {
    const std::int64_t d = x.shape[static_cast<std::size_t>(k)];
    if (d < 0 && k != x.batch_axis) throw Error("the shape of '" + x.name + "' is not known");
    r.data.push_back(d < 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(d));
  }
  return r;
}

/// The same elements in the same order.
Folded fold_same(const Graph& graph, const Node& node, const Tensor&) {
  const Tensor& x = graph.tensor(node.inputs.at(0));
  return {x.data, x.integer};
}

Operator reshaping(const std::string& type, std::set<std::string> attributes,
                   std::function<std::vector<Tensor>(const NodeContext&)> infer) {
  Operator op;
  op.type = type;
  op.attributes = std::move(attributes);
  op.infer = std::move(infer);
  op.fold = fold_same;
  op.execute = pass_through;
  op.mapping = Mapping::data_movement;
  return op;
}

}  // namespace

std::vector<Operator> reshaping_operators() {
  Operator reshape_op = reshaping("Reshape", {"allowzero"}, reshape);
  reshape_op.on_import = explicit_reshape_target;
  Operator dropout = reshaping("Dropout", {"seed", "ratio"}, same_shape);
  dropout.fold = nullptr;
  // Cast has no kernel of its own on the chip: the compiler gives it a digital-unit pass like an activation.
  Operator cast = reshaping("Cast", {"to", "saturate"}, same_shape);
  cast.mapping = Mapping::digital_pass;
  Operator shape = reshaping("Shape", {"start", "end"}, infer_shape);
  shape.fold = fold_shape;
  shape.folds_on_shapes = true;
  return {reshaping("Flatten", {"axis"}, flatten),
          reshape_op,
          reshaping("Squeeze", {"axes"}, squeeze),
          reshaping("Unsqueeze", {"axes"}, unsqueeze),
          reshaping("Identity", {}, same_shape),
          dropout,
          cast,
          shape};
}

}  // namespace imcsim::workloads::operators
