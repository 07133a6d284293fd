// Element-wise activations: one pass of the local digital unit over each value.

#include <algorithm>
#include <cmath>

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"

namespace imcsim::workloads::operators {

namespace {

Operator activation(const std::string& type, std::function<std::vector<hw::BatchMatrix>(const Execution&)> execute) {
  Operator op;
  op.type = type;
  op.infer = same_shape;
  op.execute = std::move(execute);
  op.mapping = Mapping::digital_pass;
  return op;
}

}  // namespace

std::vector<Operator> activation_operators() {
  Operator leaky = activation("LeakyRelu", [](const Execution& e) {
    const float alpha = e.node.float_attribute("alpha", 0.01f);
    return std::vector<hw::BatchMatrix>{e.input(0).unaryExpr([alpha](float v) { return v >= 0 ? v : alpha * v; })};
  });
  leaky.attributes = {"alpha"};
  // HardSigmoid is a gain and offset, then a clamp to [0, 1]: one pass of the local digital unit, like ReLU.
  Operator hard_sigmoid = activation("HardSigmoid", [](const Execution& e) {
    const float alpha = e.node.float_attribute("alpha", 0.2f), beta = e.node.float_attribute("beta", 0.5f);
    return std::vector<hw::BatchMatrix>{
        e.input(0).unaryExpr([alpha, beta](float v) { return std::max(0.0f, std::min(1.0f, alpha * v + beta)); })};
  });
  hard_sigmoid.attributes = {"alpha", "beta"};
  hard_sigmoid.check_import = [](const NodeContext& f) {
    for (const char* key : {"alpha", "beta"}) {
      const auto it = f.node.attributes.find(key);
      if (it == f.node.attributes.end()) continue;
      if (it->second.kind != Attribute::Kind::real) f.fail_attribute(key, "must be a float");
      if (!std::isfinite(it->second.f)) f.fail_attribute(key, "must be finite");
    }
  };
  return {
      activation("Relu", [](const Execution& e) { return std::vector<hw::BatchMatrix>{e.input(0).cwiseMax(0.0f)}; }),
      leaky,
      hard_sigmoid,
      activation("Sigmoid",
                 [](const Execution& e) {
                   return std::vector<hw::BatchMatrix>{(1.0f / (1.0f + (-e.input(0).array()).exp())).matrix()};
                 }),
      activation("Tanh",
                 [](const Execution& e) { return std::vector<hw::BatchMatrix>{e.input(0).array().tanh().matrix()}; }),
  };
}

}  // namespace imcsim::workloads::operators
