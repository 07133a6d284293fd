#include "workloads/constant_folding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "base/errors.h"
#include "workloads/index_maps.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads {

namespace {

std::vector<std::int64_t> ints_of(const Tensor& t) {
  std::vector<std::int64_t> v;
  for (const float x : t.data) v.push_back(to_index(x));
  return v;
}

std::vector<float> moved(const std::vector<float>& data, const std::vector<std::int64_t>& from) {
  std::vector<float> out;
  out.reserve(from.size());
  for (const auto i : from) out.push_back(data[static_cast<std::size_t>(i)]);
  return out;
}

/// The data of the (single) output of a node whose inputs are all constants.
std::vector<float> evaluate(const Graph& g, const Node& n, const Tensor& out) {
  const Tensor& x = g.tensor(n.inputs.at(0));
  const std::string& op = n.op;
  if (op == "Transpose") return moved(x.data, transpose_map(x.shape, transpose_perm(n, x.shape.size())).from);
  if (op == "Gather") {
    const Tensor& idx = g.tensor(n.inputs.at(1));
    return moved(x.data, gather_map(x.shape, n.int_attribute("axis", 0), ints_of(idx), idx.shape).from);
  }
  if (op == "Slice") {
    const SliceArguments a = slice_arguments(g, n);
    return moved(x.data, slice_map(x.shape, a.starts, a.ends, a.axes, a.steps).from);
  }
  if (op == "Concat") {
    std::vector<Shape> shapes;
    std::vector<float> all;
    for (const auto& name : n.inputs) {
      shapes.push_back(g.tensor(name).shape);
      all.insert(all.end(), g.tensor(name).data.begin(), g.tensor(name).data.end());
    }
    return moved(all, concat_map(shapes, n.int_attribute("axis", 0)).from);
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const Tensor& y = g.tensor(n.inputs.at(1));
    const auto from_x = broadcast_map(x.shape, out.shape);
    const auto from_y = broadcast_map(y.shape, out.shape);
    std::vector<float> r(from_x.size());
    for (std::size_t j = 0; j < r.size(); ++j) {
      r[j] = arithmetic(op, x.data[static_cast<std::size_t>(from_x[j])], y.data[static_cast<std::size_t>(from_y[j])]);
    }
    return r;
  }
  return x.data;  // Reshape, Squeeze, Unsqueeze, Flatten, Identity, Cast: the same elements in the same order
}

}  // namespace

bool fold(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  static const std::set<std::string> foldable = {"Transpose", "Gather",  "Slice",    "Concat",  "Add",
                                                 "Sub",       "Mul",     "Div",      "Reshape", "Squeeze",
                                                 "Unsqueeze", "Flatten", "Identity", "Cast"};
  if (node.op != "Shape" && foldable.count(node.op) == 0) return false;
  Tensor& out = graph.tensors.at(node.outputs.at(0));
  if (node.op == "Shape") {
    const Tensor& x = graph.tensor(node.inputs.at(0));
    const auto rank = static_cast<std::int64_t>(x.shape.size());
    std::int64_t start = node.int_attribute("start", 0), end = node.int_attribute("end", rank);
    start = std::clamp<std::int64_t>(start < 0 ? start + rank : start, 0, rank);
    end = std::clamp<std::int64_t>(end < 0 ? end + rank : end, 0, rank);
    out.data.clear();
    for (std::int64_t k = start; k < end; ++k) {
      const std::int64_t d = x.shape[static_cast<std::size_t>(k)];
      if (d < 0 && k != x.batch_axis) throw InputError(file, 0, 0, where, "the shape of '" + x.name + "' is not known");
      out.data.push_back(d < 0 ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(d));
    }
    out.shape = {static_cast<std::int64_t>(out.data.size())};
  } else {
    for (const auto& name : node.inputs) {
      if (!graph.tensor(name).constant) return false;
    }
    try {
      out.data = evaluate(graph, node, out);
    } catch (const Error& e) {
      throw InputError(file, 0, 0, where, e.what());
    }
  }
  out.constant = true;
  out.batch_axis = -1;
  // Shapes are integers; moved data keeps its type; arithmetic and Concat are integer when all operands are.
  const bool all_integer = std::all_of(node.inputs.begin(), node.inputs.end(),
                                       [&](const std::string& name) { return graph.tensor(name).integer; });
  const bool combines =
      node.op == "Concat" || node.op == "Add" || node.op == "Sub" || node.op == "Mul" || node.op == "Div";
  out.integer = node.op == "Shape" || (combines ? all_integer : graph.tensor(node.inputs[0]).integer);
  return true;
}

}  // namespace imcsim::workloads
