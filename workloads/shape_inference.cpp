#include "workloads/shape_inference.h"

#include <algorithm>

#include "base/errors.h"

namespace imcsim::workloads {

namespace {

std::string show(const std::vector<std::int64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return out + "]";
}

bool compatible(std::int64_t a, std::int64_t b) { return a < 0 || b < 0 || a == b; }

/// NumPy broadcasting of two shapes.
std::vector<std::int64_t> broadcast(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b,
                                    const std::string& file, const std::string& where) {
  std::vector<std::int64_t> out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x == 1) {
      out[i] = y;
    } else if (y == 1) {
      out[i] = x;
    } else if (compatible(x, y)) {
      out[i] = std::max(x, y);
    } else {
      throw InputError(file, 0, 0, where, "shapes " + show(a) + " and " + show(b) + " do not broadcast");
    }
  }
  return out;
}

}  // namespace

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const auto in = [&](std::size_t k) -> const std::vector<std::int64_t>& {
    if (k >= node.inputs.size()) throw InputError(file, 0, 0, where, "input " + std::to_string(k) + " is missing");
    return graph.tensors.at(node.inputs[k]).shape;
  };
  std::vector<std::int64_t> out;
  const std::string& op = node.op;
  if (op == "Gemm") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.size() != 2 || b.size() != 2) throw InputError(file, 0, 0, where, "Gemm needs 2-D inputs, got " + show(a) + " and " + show(b));
    const bool ta = node.int_attribute("transA", 0) != 0;
    const bool tb = node.int_attribute("transB", 0) != 0;
    const std::int64_t m = ta ? a[1] : a[0];
    const std::int64_t ka = ta ? a[0] : a[1];
    const std::int64_t kb = tb ? b[1] : b[0];
    const std::int64_t n = tb ? b[0] : b[1];
    if (!compatible(ka, kb)) {
      throw InputError(file, 0, 0, where, "inner dimensions differ: " + show(a) + " x " + show(b));
    }
    out = {m, n};
    if (node.inputs.size() > 2) static_cast<void>(broadcast(out, in(2), file, where));
  } else if (op == "MatMul") {
    const auto& a = in(0);
    const auto& b = in(1);
    if (a.empty() || b.size() != 2) throw InputError(file, 0, 0, where, "MatMul supports N-D x 2-D, got " + show(a) + " x " + show(b));
    if (!compatible(a.back(), b[0])) throw InputError(file, 0, 0, where, "inner dimensions differ: " + show(a) + " x " + show(b));
    out = a;
    out.back() = b[1];
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    out = broadcast(in(0), in(1), file, where);
  } else if (op == "Flatten") {
    const auto& a = in(0);
    std::int64_t axis = node.int_attribute("axis", 1);
    if (axis < 0) axis += static_cast<std::int64_t>(a.size());
    if (axis < 0 || axis > static_cast<std::int64_t>(a.size())) throw InputError(file, 0, 0, where + " attribute 'axis'", "out of range");
    std::int64_t outer = 1, inner = 1;
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(a.size()); ++i) {
      std::int64_t& part = i < axis ? outer : inner;
      part = (part < 0 || a[static_cast<std::size_t>(i)] < 0) ? -1 : part * a[static_cast<std::size_t>(i)];
    }
    out = {outer, inner};
  } else {
    out = in(0);  // element-wise and Softmax/Identity/Dropout keep the shape
  }
  for (std::size_t k = 0; k < node.outputs.size(); ++k) {
    Tensor t;
    t.name = node.outputs[k];
    t.shape = out;
    graph.tensors[t.name] = t;
    if (op == "Dropout") break;  // an optional mask output is never used at inference
  }
}

std::int64_t node_macs(const Graph& graph, const Node& node) {
  if (node.op != "Gemm" && node.op != "MatMul") return 0;
  const auto& out = graph.tensor(node.outputs[0]).shape;
  const auto& a = graph.tensor(node.inputs[0]).shape;
  const bool ta = node.op == "Gemm" && node.int_attribute("transA", 0) != 0;
  const std::int64_t k = ta ? a[0] : a.back();
  std::int64_t rows = 1;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) rows *= std::max<std::int64_t>(out[i], 1);
  return rows * out.back() * k;
}

}  // namespace imcsim::workloads
