#include "workloads/operators/operator.h"

#include <cmath>
#include <limits>

#include "base/errors.h"
#include "workloads/index_maps.h"
#include "workloads/operators/impl/families.h"

namespace imcsim::workloads::operators {

const std::int64_t NodeContext::batch_symbol = std::numeric_limits<std::int64_t>::min();

void NodeContext::fail(const std::string& message) const { throw InputError(file, 0, 0, where, message); }

void NodeContext::fail_attribute(const std::string& key, const std::string& message) const {
  throw InputError(file, 0, 0, where + " attribute '" + key + "'", message);
}

const Tensor& NodeContext::in(std::size_t k) const {
  if (k >= node.inputs.size() || node.inputs[k].empty()) fail("input " + std::to_string(k) + " is missing");
  return graph.tensors.at(node.inputs[k]);
}

bool NodeContext::constant(std::size_t k) const {
  return k < node.inputs.size() && !node.inputs[k].empty() && graph.tensor(node.inputs[k]).constant;
}

std::vector<std::int64_t> NodeContext::constant_ints(std::size_t k, bool allow_batch) const {
  const Tensor& t = in(k);
  if (!t.constant) fail("input '" + t.name + "' must be a constant (computed shapes are not supported)");
  std::vector<std::int64_t> v;
  for (const float x : t.data) {
    if (std::isnan(x) && !allow_batch) fail("input '" + t.name + "' depends on the batch size");
    v.push_back(std::isnan(x) ? batch_symbol : to_index(x));
  }
  return v;
}

std::vector<std::int64_t> NodeContext::axes(std::size_t k) const {
  if (has_input(k)) return constant_ints(k);
  return node.ints_attribute("axes", {});
}

void NodeContext::keep_batch(const Tensor& t, std::int64_t axis, const std::string& key) const {
  if (t.batch_axis >= 0 && axis == t.batch_axis) fail_attribute(key, "operates on the batch axis of '" + t.name + "'");
}

const hw::BatchMatrix& activation(const std::map<std::string, hw::BatchMatrix>& values, const std::string& name) {
  const auto it = values.find(name);
  if (it == values.end()) throw Error("node input '" + name + "' is a constant where an activation is expected");
  return it->second;
}

bool constant_inputs(const Graph& graph, const Node& node, std::size_t first, std::size_t last) {
  for (std::size_t k = first; k <= last; ++k) {
    if (k >= node.inputs.size() || node.inputs[k].empty() || !graph.tensor(node.inputs[k]).constant) return false;
  }
  return true;
}

namespace {

std::map<std::string, Operator> make_registry() {
  std::map<std::string, Operator> registry;
  for (const auto& family :
       {matrix_operators, convolution_operators, recurrent_operators, pooling_operators, activation_operators,
        normalisation_operators, arithmetic_operators, reshaping_operators, indexing_operators}) {
    for (Operator& op : family()) {
      const std::string type = op.type;
      if (!registry.emplace(type, std::move(op)).second) throw Error("operator '" + type + "' is registered twice");
    }
  }
  return registry;
}

}  // namespace

const std::map<std::string, Operator>& registry() {
  static const std::map<std::string, Operator> entries = make_registry();
  return entries;
}

const Operator* find_operator(const std::string& type) {
  const auto it = registry().find(type);
  return it == registry().end() ? nullptr : &it->second;
}

const Operator& operator_of(const Node& node, const std::string& file, const std::string& where) {
  const Operator* op = find_operator(node.op);
  if (op == nullptr) throw InputError(file, 0, 0, where, "unsupported operator '" + node.op + "'");
  return *op;
}

}  // namespace imcsim::workloads::operators
