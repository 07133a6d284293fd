// Data movement by index maps (workloads/index_maps.h): Transpose, Concat, Gather and Slice, inside each sample of
// an activation, or folded at import on constants.

#include <cmath>
#include <limits>

#include "base/errors.h"
#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

/// Slice's arguments: constant inputs from opset 10, attributes before; omitted axes are 0, 1, ... and omitted
/// steps 1. Throws Error naming the input when one is not a constant or depends on the batch size.
struct SliceArguments {
  std::vector<std::int64_t> starts, ends, axes, steps;
};

SliceArguments slice_arguments(const Graph& graph, const Node& node) {
  const auto ints = [&](std::size_t k) {
    std::vector<std::int64_t> v;
    if (k >= node.inputs.size() || node.inputs[k].empty()) return v;
    const Tensor& t = graph.tensor(node.inputs[k]);
    if (!t.constant) throw Error("input '" + t.name + "' must be a constant (computed shapes are not supported)");
    for (const float x : t.data) {
      if (std::isnan(x)) throw Error("input '" + t.name + "' depends on the batch size");
      v.push_back(to_index(x));
    }
    return v;
  };
  SliceArguments a;
  const bool attributes = node.inputs.size() < 2;
  a.starts = attributes ? node.ints_attribute("starts", {}) : ints(1);
  a.ends = attributes ? node.ints_attribute("ends", {}) : ints(2);
  a.axes = attributes ? node.ints_attribute("axes", {}) : ints(3);
  a.steps = ints(4);
  if (a.axes.empty()) {
    for (std::size_t k = 0; k < a.starts.size(); ++k) a.axes.push_back(static_cast<std::int64_t>(k));
  }
  if (a.steps.empty()) a.steps.assign(a.starts.size(), 1);
  return a;
}

/// Transpose's perm: the attribute, or the axes reversed when it is omitted.
std::vector<std::int64_t> transpose_perm(const Node& node, std::size_t rank) {
  std::vector<std::int64_t> perm = node.ints_attribute("perm", {});
  if (perm.empty()) {
    for (std::size_t k = rank; k-- > 0;) perm.push_back(static_cast<std::int64_t>(k));
  }
  return perm;
}

std::vector<Tensor> transpose(const NodeContext& f) {
  const Tensor& x = f.in(0);
  const std::vector<std::int64_t> perm = transpose_perm(f.node, x.shape.size());
  Tensor out;
  try {
    out.shape = transpose_map(Shape(x.shape.size(), 1), perm).shape;  // validates perm
  } catch (const Error& e) {
    f.fail_attribute("perm", e.what());
  }
  for (std::size_t k = 0; k < perm.size(); ++k) {
    out.shape[k] = x.shape[static_cast<std::size_t>(perm[k])];
    if (perm[k] == x.batch_axis) out.batch_axis = static_cast<int>(k);
  }
  return {out};
}

std::vector<Tensor> concat(const NodeContext& f) {
  const Tensor& first = f.in(0);
  const std::int64_t axis = [&] {
    try {
      return normalised_axis(f.node.int_attribute("axis", 0), static_cast<std::int64_t>(first.shape.size()), "axis");
    } catch (const Error& e) {
      f.fail_attribute("axis", e.what());
    }
  }();
  Tensor out;
  out.shape = first.shape;
  out.shape[static_cast<std::size_t>(axis)] = 0;
  out.batch_axis = first.batch_axis;
  for (std::size_t k = 0; k < f.node.inputs.size(); ++k) {
    const Tensor& t = f.in(k);
    if (t.batch_axis != first.batch_axis)
      f.fail("concatenates activations with constants or differently laid-out activations");
    f.keep_batch(t, axis, "axis");
    Shape a = t.shape, b = first.shape;
    if (a.size() != b.size()) f.fail("inputs " + show(first.shape) + " and " + show(t.shape) + " differ in rank");
    a[static_cast<std::size_t>(axis)] = b[static_cast<std::size_t>(axis)] = 0;
    for (std::size_t d = 0; d < a.size(); ++d) {
      if (!compatible(a[d], b[d]))
        f.fail("inputs " + show(first.shape) + " and " + show(t.shape) + " differ off the axis");
    }
    out.shape[static_cast<std::size_t>(axis)] += t.shape[static_cast<std::size_t>(axis)];
  }
  return {out};
}

std::vector<Tensor> gather(const NodeContext& f) {
  const Tensor& x = f.in(0);
  const Tensor& indices = f.in(1);
  if (!indices.constant) f.fail("the indices must be a constant");
  std::int64_t axis = 0;
  try {
    axis = normalised_axis(f.node.int_attribute("axis", 0), static_cast<std::int64_t>(x.shape.size()), "axis");
  } catch (const Error& e) {
    f.fail_attribute("axis", e.what());
  }
  f.keep_batch(x, axis, "axis");
  Tensor out;
  out.shape.assign(x.shape.begin(), x.shape.begin() + axis);
  out.shape.insert(out.shape.end(), indices.shape.begin(), indices.shape.end());
  out.shape.insert(out.shape.end(), x.shape.begin() + axis + 1, x.shape.end());
  if (x.batch_axis >= 0)
    out.batch_axis = x.batch_axis < axis ? x.batch_axis : x.batch_axis + static_cast<int>(indices.shape.size()) - 1;
  return {out};
}

std::vector<Tensor> slice(const NodeContext& f) {
  const Tensor& x = f.in(0);
  SliceArguments a;
  try {
    a = slice_arguments(f.graph, f.node);
  } catch (const Error& e) {
    f.fail(e.what());
  }
  // Slicing the batch axis is only accepted when it keeps every sample.
  Shape shape = x.shape;
  if (x.batch_axis >= 0) {
    for (std::size_t k = 0; k < a.starts.size(); ++k) {
      const std::int64_t axis = k < a.axes.size() ? a.axes[k] : static_cast<std::int64_t>(k);
      const std::int64_t step = k < a.steps.size() ? a.steps[k] : 1;
      const bool batch = axis == x.batch_axis || axis + static_cast<std::int64_t>(x.shape.size()) == x.batch_axis;
      if (batch && !(a.starts[k] == 0 && step == 1 && a.ends[k] >= std::numeric_limits<std::int32_t>::max())) {
        f.fail("slices the batch axis");
      }
    }
    shape[static_cast<std::size_t>(x.batch_axis)] = 1;
  }
  for (const auto d : shape) {
    if (d < 0) f.fail("slices a tensor of unknown shape " + show(x.shape));
  }
  Tensor out;
  try {
    out.shape = slice_map(shape, a.starts, a.ends, a.axes, a.steps).shape;
  } catch (const Error& e) {
    f.fail(e.what());
  }
  out.batch_axis = x.batch_axis;
  if (x.batch_axis >= 0)
    out.shape[static_cast<std::size_t>(x.batch_axis)] = x.shape[static_cast<std::size_t>(x.batch_axis)];
  return {out};
}

std::vector<float> moved(const std::vector<float>& data, const std::vector<std::int64_t>& from) {
  std::vector<float> out;
  out.reserve(from.size());
  for (const auto i : from) out.push_back(data[static_cast<std::size_t>(i)]);
  return out;
}

std::vector<std::int64_t> ints_of(const Tensor& t) {
  std::vector<std::int64_t> v;
  for (const float x : t.data) v.push_back(to_index(x));
  return v;
}

/// The index map of a node on whole constants (fold) or on one sample of an activation (plan).
using MapOf = std::function<std::vector<std::int64_t>(const Graph&, const Node&)>;

Operator indexing(const std::string& type, std::set<std::string> attributes,
                  std::function<std::vector<Tensor>(const NodeContext&)> infer, const MapOf& folded,
                  const MapOf& planned) {
  Operator op;
  op.type = type;
  op.attributes = std::move(attributes);
  op.infer = std::move(infer);
  op.fold = [folded](const Graph& g, const Node& n, const Tensor&) {
    const Tensor& x = g.tensor(n.inputs.at(0));
    return Folded{moved(x.data, folded(g, n)), x.integer};
  };
  op.plan = [planned](const Graph& g, const Node& n) {
    Plan p;
    p.from = planned(g, n);
    return p;
  };
  op.execute = [](const Execution& e) { return std::vector<hw::BatchMatrix>{gather_columns(e.input(0), e.plan.from)}; };
  op.mapping = Mapping::data_movement;
  return op;
}

std::vector<std::int64_t> fold_transpose(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs.at(0));
  return transpose_map(x.shape, transpose_perm(n, x.shape.size())).from;
}

std::vector<std::int64_t> plan_transpose(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs[0]);
  std::vector<std::int64_t> sample_perm;
  for (const auto a : transpose_perm(n, x.shape.size())) {
    if (a != x.batch_axis) sample_perm.push_back(sample_axis(x, a));
  }
  return transpose_map(sample_shape(x), sample_perm).from;
}

std::vector<std::int64_t> fold_gather(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs.at(0));
  const Tensor& idx = g.tensor(n.inputs.at(1));
  return gather_map(x.shape, n.int_attribute("axis", 0), ints_of(idx), idx.shape).from;
}

std::vector<std::int64_t> plan_gather(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs[0]);
  const Tensor& idx = g.tensor(n.inputs[1]);
  return gather_map(sample_shape(x), sample_axis(x, n.int_attribute("axis", 0)), ints_of(idx), idx.shape).from;
}

std::vector<std::int64_t> fold_slice(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs.at(0));
  const SliceArguments a = slice_arguments(g, n);
  return slice_map(x.shape, a.starts, a.ends, a.axes, a.steps).from;
}

/// The slice of one sample: the batch axis left out (import checked that it keeps every sample).
std::vector<std::int64_t> plan_slice(const Graph& g, const Node& n) {
  const Tensor& x = g.tensor(n.inputs[0]);
  const SliceArguments args = slice_arguments(g, n);
  std::vector<std::int64_t> starts, ends, axes, steps;
  for (std::size_t k = 0; k < args.starts.size(); ++k) {
    const std::int64_t a = args.axes[k] < 0 ? args.axes[k] + static_cast<std::int64_t>(x.shape.size()) : args.axes[k];
    if (a == x.batch_axis) continue;
    starts.push_back(args.starts[k]);
    ends.push_back(args.ends[k]);
    axes.push_back(sample_axis(x, a));
    steps.push_back(args.steps[k]);
  }
  return slice_map(sample_shape(x), starts, ends, axes, steps).from;
}

/// Concat: the inputs laid end to end, then moved into place.
Operator concat_operator() {
  Operator op;
  op.type = "Concat";
  op.attributes = {"axis"};
  op.infer = concat;
  op.fold = [](const Graph& g, const Node& n, const Tensor&) {
    std::vector<Shape> shapes;
    std::vector<float> all;
    bool integer = true;
    for (const auto& name : n.inputs) {
      shapes.push_back(g.tensor(name).shape);
      all.insert(all.end(), g.tensor(name).data.begin(), g.tensor(name).data.end());
      integer = integer && g.tensor(name).integer;
    }
    return Folded{moved(all, concat_map(shapes, n.int_attribute("axis", 0)).from), integer};
  };
  op.plan = [](const Graph& g, const Node& n) {
    std::vector<Shape> shapes;
    for (const auto& name : n.inputs) shapes.push_back(sample_shape(g.tensor(name)));
    Plan p;
    p.from = concat_map(shapes, sample_axis(g.tensor(n.inputs[0]), n.int_attribute("axis", 0))).from;
    return p;
  };
  op.execute = [](const Execution& e) {
    Eigen::Index total = 0;
    for (const auto& name : e.node.inputs) total += e.value(name).cols();
    hw::BatchMatrix all(e.input(0).rows(), total);
    Eigen::Index at = 0;
    for (const auto& name : e.node.inputs) {
      all.middleCols(at, e.value(name).cols()) = e.value(name);
      at += e.value(name).cols();
    }
    return std::vector<hw::BatchMatrix>{gather_columns(all, e.plan.from)};
  };
  op.mapping = Mapping::data_movement;
  return op;
}

}  // namespace

std::vector<Operator> indexing_operators() {
  return {indexing("Transpose", {"perm"}, transpose, fold_transpose, plan_transpose),
          indexing("Gather", {"axis"}, gather, fold_gather, plan_gather),
          indexing("Slice", {"starts", "ends", "axes"}, slice, fold_slice, plan_slice), concat_operator()};
}

}  // namespace imcsim::workloads::operators
