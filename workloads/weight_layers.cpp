#include "workloads/weight_layers.h"

#include "base/errors.h"
#include "workloads/operators/operator.h"

namespace imcsim::workloads {

std::vector<WeightLayer> weight_layers(const Graph& graph) {
  std::vector<WeightLayer> layers;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    const std::string where = "node '" + n.name + "' (" + n.op + ")";
    const operators::Operator& op = operators::operator_of(n, graph.name, where);
    if (op.mapping != operators::Mapping::crossbars) continue;
    for (std::size_t k = 1; k <= op.weight_operands; ++k) {
      if (k >= n.inputs.size() || !graph.tensor(n.inputs[k]).constant) {
        throw InputError(graph.name, 0, 0, where,
                         "a product of two activations cannot be held in crossbars: the weights must be constants");
      }
    }
    op.weight_layers(graph, i, layers);
  }
  return layers;
}

}  // namespace imcsim::workloads
