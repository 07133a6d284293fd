#include "workloads/shape_inference.h"

#include <vector>

#include "workloads/operators/operator.h"

namespace imcsim::workloads {

void infer_shapes(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const operators::Operator& op = operators::operator_of(node, file, where);
  std::vector<Tensor> outs = op.infer(operators::NodeContext{graph, node, file, where});
  for (std::size_t k = 0; k < node.outputs.size() && k < outs.size(); ++k) {
    if (node.outputs[k].empty()) continue;  // an omitted optional output
    Tensor& t = outs[k];
    t.name = node.outputs[k];
    graph.tensors[t.name] = t;
  }
}

void infer_graph_shapes(Graph& graph) {
  for (const auto& name : graph.inputs) {
    Tensor& t = graph.tensors.at(name);
    if (t.batch_axis < 0 && !t.shape.empty()) t.batch_axis = 0;
  }
  for (const auto& node : graph.nodes)
    infer_shapes(graph, node, graph.name, "node '" + node.name + "' (" + node.op + ")");
}

std::int64_t node_parameters(const Graph& graph, const Node& node) {
  const operators::Operator& op =
      operators::operator_of(node, graph.name, "node '" + node.name + "' (" + node.op + ")");
  std::int64_t n = 0;
  for (std::size_t k = 0; k < node.inputs.size() && k < op.parameter_inputs; ++k) {
    if (!node.inputs[k].empty() && graph.tensor(node.inputs[k]).constant) {
      n += static_cast<std::int64_t>(graph.tensor(node.inputs[k]).data.size());
    }
  }
  return n;
}

std::int64_t node_macs(const Graph& graph, const Node& node) {
  const operators::Operator& op =
      operators::operator_of(node, graph.name, "node '" + node.name + "' (" + node.op + ")");
  return op.macs ? op.macs(graph, node) : 0;
}

}  // namespace imcsim::workloads
