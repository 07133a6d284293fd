// Element-wise activations: one pass of the local digital unit over each value.

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
  return {
      activation("Relu", [](const Execution& e) { return std::vector<hw::BatchMatrix>{e.input(0).cwiseMax(0.0f)}; }),
      leaky,
      activation("Sigmoid",
                 [](const Execution& e) {
                   return std::vector<hw::BatchMatrix>{(1.0f / (1.0f + (-e.input(0).array()).exp())).matrix()};
                 }),
      activation("Tanh",
                 [](const Execution& e) { return std::vector<hw::BatchMatrix>{e.input(0).array().tanh().matrix()}; }),
  };
}

}  // namespace imcsim::workloads::operators
