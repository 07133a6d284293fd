#include "workloads/graph.h"

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

const Tensor& Graph::tensor(const std::string& name) const {
  const auto it = tensors.find(name);
  if (it == tensors.end()) throw Error("graph '" + this->name + "' has no tensor '" + name + "'");
  return it->second;
}

std::int64_t Graph::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& [name, t] : tensors) {
    if (t.constant) n += static_cast<std::int64_t>(t.data.size());
  }
  return n;
}

const std::vector<std::string>& supported_ops() {
  static const std::vector<std::string> ops = {"Gemm",    "MatMul",  "Add",     "Sub",      "Mul",
                                               "Div",     "Relu",    "LeakyRelu", "Sigmoid", "Tanh",
                                               "Softmax", "Flatten", "Identity", "Dropout", "Conv",
                                               "MaxPool", "AveragePool", "GlobalAveragePool",
                                               "BatchNormalization"};
  return ops;
}

}  // namespace imcsim::workloads
