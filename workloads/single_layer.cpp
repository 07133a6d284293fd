#include "workloads/single_layer.h"

#include "base/check.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads {

namespace {

void add_input(Graph& g, std::vector<std::int64_t> shape) {
  Tensor x;
  x.name = "x";
  x.shape = std::move(shape);
  x.batch_axis = 0;
  g.tensors["x"] = x;
  g.inputs = {"x"};
}

Attribute integer(std::int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::integer;
  a.i = v;
  return a;
}

}  // namespace

Graph matmul_layer(int inputs, int outputs, int vectors) {
  require_in_range("layer.in", inputs, 1, 1 << 24);
  require_in_range("layer.out", outputs, 1, 1 << 24);
  require_in_range("layer.vectors", vectors, 1, 1 << 20);
  Graph g;
  g.name = "fc_" + std::to_string(inputs) + "x" + std::to_string(outputs);
  add_input(g, {-1, vectors, inputs});
  Node n;
  n.op = "MatMul";
  n.name = "fc";
  n.inputs = {"x", g.add_zero_constant("fc/W", {inputs, outputs})};
  n.outputs = {"y"};
  g.nodes.push_back(n);
  g.outputs = {"y"};
  infer_graph_shapes(g);
  return g;
}

Graph lstm_step(int inputs, int hidden) {
  require_in_range("layer.inputs", inputs, 1, 1 << 24);
  require_in_range("layer.hidden", hidden, 1, 1 << 22);
  Graph g;
  g.name = "lstm_step_" + std::to_string(inputs + hidden) + "x" + std::to_string(4 * hidden);
  add_input(g, {-1, 1, inputs});
  Node n;
  n.op = "LSTM";
  n.name = "lstm";
  n.inputs = {"x", g.add_zero_constant("lstm/W", {1, 4 * hidden, inputs}),
              g.add_zero_constant("lstm/R", {1, 4 * hidden, hidden})};
  n.outputs = {"y", "y_h"};
  n.attributes["hidden_size"] = integer(hidden);
  n.attributes["layout"] = integer(1);
  g.nodes.push_back(n);
  g.outputs = {"y_h"};
  infer_graph_shapes(g);
  return g;
}

}  // namespace imcsim::workloads
