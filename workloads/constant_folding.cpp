#include "workloads/constant_folding.h"

#include "base/errors.h"
#include "workloads/operators/operator.h"

namespace imcsim::workloads {

bool fold(Graph& graph, const Node& node, const std::string& file, const std::string& where) {
  const operators::Operator& op = operators::operator_of(node, file, where);
  if (!op.fold) return false;
  if (!op.folds_on_shapes) {
    for (const auto& name : node.inputs) {
      if (!graph.tensor(name).constant) return false;
    }
  }
  Tensor& out = graph.tensors.at(node.outputs.at(0));
  operators::Folded folded;
  try {
    folded = op.fold(graph, node, out);
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    throw InputError(file, 0, 0, where, e.what());
  }
  out.data = std::move(folded.data);
  out.constant = true;
  out.batch_axis = -1;
  out.integer = folded.integer;
  return true;
}

}  // namespace imcsim::workloads
