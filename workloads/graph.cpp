#include "workloads/graph.h"

#include <iterator>
#include <set>

#include "base/errors.h"

namespace imcsim::workloads {

std::int64_t Tensor::elements() const {
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

std::int64_t Node::int_attribute(const std::string& key, std::int64_t fallback) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? fallback : it->second.i;
}

float Node::float_attribute(const std::string& key, float fallback) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? fallback : it->second.f;
}

std::string Node::string_attribute(const std::string& key, const std::string& fallback) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? fallback : it->second.s;
}

std::vector<std::int64_t> Node::ints_attribute(const std::string& key,
                                               const std::vector<std::int64_t>& fallback) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? fallback : it->second.ints;
}

const Tensor& Graph::tensor(const std::string& tensor_name) const {
  const auto it = tensors.find(tensor_name);
  if (it == tensors.end()) throw Error("graph '" + name + "' has no tensor '" + tensor_name + "'");
  return it->second;
}

std::string Graph::add_zero_constant(const std::string& tensor_name, const std::vector<std::int64_t>& shape) {
  Tensor t;
  t.name = tensor_name;
  t.shape = shape;
  t.constant = true;
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  t.data.assign(static_cast<std::size_t>(n), 0.0f);
  tensors[tensor_name] = std::move(t);
  return tensor_name;
}

std::int64_t Graph::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& entry : tensors) {
    const Tensor& t = entry.second;
    if (t.constant) n += static_cast<std::int64_t>(t.data.size());
  }
  return n;
}

void Graph::remove_unused_constants() {
  std::set<std::string> used(outputs.begin(), outputs.end());
  for (const auto& n : nodes) used.insert(n.inputs.begin(), n.inputs.end());
  for (auto it = tensors.begin(); it != tensors.end();) {
    it = it->second.constant && used.count(it->first) == 0 ? tensors.erase(it) : std::next(it);
  }
}

}  // namespace imcsim::workloads
