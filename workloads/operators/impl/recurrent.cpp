// LSTM and GRU (ONNX semantics, default activations): shapes, checks and weight layers here, the forward pass in
// workloads/recurrent_layers.cpp.

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"
#include "workloads/recurrent_layers.h"

namespace imcsim::workloads::operators {

namespace {

/// As the executor implements them: default activations, no clipping, no coupled input and forget gates, no
/// sequence lengths or peepholes.
void check_recurrent(const NodeContext& f, const std::vector<std::string>& plain) {
  const Node& node = f.node;
  const auto it = node.attributes.find("activations");
  if (it != node.attributes.end()) {
    if (it->second.strings.size() % plain.size() != 0)
      f.fail_attribute("activations", "needs " + std::to_string(plain.size()) + " per direction");
    for (std::size_t k = 0; k < it->second.strings.size(); ++k) {
      if (it->second.strings[k] != plain[k % plain.size()]) {
        f.fail_attribute("activations",
                         "only the default activations are supported, got '" + it->second.strings[k] + "'");
      }
    }
  }
  if (node.attributes.count("clip") != 0) f.fail_attribute("clip", "cell clipping is not supported");
  if (node.int_attribute("input_forget", 0) != 0)
    f.fail_attribute("input_forget", "coupled input and forget gates are not supported");
  const auto present = [&](std::size_t k) { return k < node.inputs.size() && !node.inputs[k].empty(); };
  if (present(4)) f.fail("input 'sequence_lens' is not supported (all sequences are full)");
  if (present(7)) f.fail("input 'P' (peepholes) is not supported");
}

/// Outputs Y, Y_h (and Y_c for the LSTM) in the layout the attribute asks for.
std::vector<Tensor> infer_recurrent(const NodeContext& f, std::int64_t gates) {
  const Tensor& x = f.in(0);
  const int layout = static_cast<int>(f.node.int_attribute("layout", 0));
  if (layout != 0 && layout != 1) f.fail_attribute("layout", "must be 0 or 1");
  if (x.shape.size() != 3 || x.batch_axis != (layout == 0 ? 1 : 0)) {
    f.fail(std::string("X must be ") + (layout == 0 ? "[seq, batch, input]" : "[batch, seq, input]") +
           " with the batch on axis " + std::to_string(layout == 0 ? 1 : 0) + ", got " + show(x.shape));
  }
  const std::string direction = f.node.string_attribute("direction", "forward");
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional") {
    f.fail_attribute("direction", "'" + direction + "' is not forward, reverse or bidirectional");
  }
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  const std::int64_t hidden = f.node.int_attribute("hidden_size", 0);
  const Tensor& w = f.in(1);
  const Tensor& r = f.in(2);
  if (!w.constant || !r.constant) f.fail("W and R must be constants");
  if (hidden <= 0) f.fail_attribute("hidden_size", "must be given and positive");
  const std::int64_t seq = x.shape[layout == 0 ? 0 : 1], input = x.shape[2];
  if (seq < 0 || input < 0) f.fail("X must have a known sequence length and input size, got " + show(x.shape));
  if (w.shape != Shape{dirs, gates * hidden, input})
    f.fail("W must be " + show({dirs, gates * hidden, input}) + ", got " + show(w.shape));
  if (r.shape != Shape{dirs, gates * hidden, hidden})
    f.fail("R must be " + show({dirs, gates * hidden, hidden}) + ", got " + show(r.shape));
  if (f.has_input(3) && !f.node.inputs[3].empty()) {
    const Tensor& b = f.in(3);
    if (!b.constant || b.shape != Shape{dirs, 2 * gates * hidden})
      f.fail("B must be a constant " + show({dirs, 2 * gates * hidden}));
  }
  const std::int64_t batch = x.shape[static_cast<std::size_t>(x.batch_axis)];
  for (std::size_t k = 5; k < 7 && f.has_input(k); ++k) {
    if (f.node.inputs[k].empty()) continue;
    const Shape& s = f.in(k).shape;
    const std::int64_t samples = s.size() == 3 ? s[layout == 0 ? 1 : 0] : 0;
    const bool fits = s.size() == 3 && s[layout == 0 ? 0 : 1] == dirs && s[2] == hidden &&
                      (samples == 1 || (batch >= 0 && samples == batch));
    if (!fits)
      f.fail(std::string(k == 5 ? "initial_h" : "initial_c") + " has shape " + show(s) + ", expected " +
             (layout == 0 ? "[directions, batch or 1, hidden]" : "[batch or 1, directions, hidden]"));
  }
  Tensor y, state;
  y.shape = layout == 0 ? Shape{seq, dirs, batch, hidden} : Shape{batch, seq, dirs, hidden};
  y.batch_axis = layout == 0 ? 2 : 0;
  state.shape = layout == 0 ? Shape{dirs, batch, hidden} : Shape{batch, dirs, hidden};
  state.batch_axis = layout == 0 ? 1 : 0;
  return gates == 4 ? std::vector<Tensor>{y, state, state} : std::vector<Tensor>{y, state};
}

void check_initial_states(const NodeContext& f) {
  for (std::size_t k = 5; k < f.node.inputs.size() && k < 7; ++k) {
    if (!f.node.inputs[k].empty() && !f.constant(k))
      f.fail("initial state '" + f.node.inputs[k] + "' must be a constant");
  }
}

std::vector<hw::BatchMatrix> execute_recurrent(const Execution& e, std::int64_t gates) {
  RecurrentOutputs r =
      run_recurrent(e.graph, e.node, gates, e.input(0), e.first_row, e.engine, e.first_layer, e.first_image);
  return {std::move(r.y), std::move(r.y_h), std::move(r.y_c)};
}

/// Per step and direction: the gates' input and recurrent products.
std::int64_t recurrent_macs(const Graph& graph, const Node& node) {
  const auto& w = graph.tensor(node.inputs[1]).shape;  // [dirs, gates * hidden, input]
  const auto& x = graph.tensor(node.inputs[0]).shape;
  const std::int64_t steps = x[node.int_attribute("layout", 0) == 0 ? 0 : 1];
  const std::int64_t hidden = graph.tensor(node.inputs[2]).shape[2];
  return steps * w[0] * w[1] * (w[2] + hidden);
}

/// The node's W [dirs, gates * hidden, input] and R [dirs, gates * hidden, hidden], and its time steps.
struct RecurrentWeights {
  const Tensor& w;
  const Tensor& r;
  std::int64_t dirs, gh, input, hidden, steps;
};

RecurrentWeights recurrent_weights(const Graph& graph, const Node& n) {
  const Tensor& w = graph.tensor(n.inputs[1]);
  const Tensor& r = graph.tensor(n.inputs[2]);
  const auto& x = graph.tensor(n.inputs[0]);
  return {w, r, w.shape[0], w.shape[1], w.shape[2], r.shape[2], x.shape[n.int_attribute("layout", 0) == 0 ? 0 : 1]};
}

std::string direction_suffix(std::int64_t dirs, std::int64_t d) {
  return dirs > 1 ? "/direction " + std::to_string(d) : "";
}

/// Whether direction d of the node runs from the last time step to the first (ONNX: reverse, or bidirectional's
/// second direction).
bool reverse_direction(const Node& n, std::int64_t d) {
  const std::string direction = n.string_attribute("direction", "forward");
  return direction == "reverse" || (direction == "bidirectional" && d == 1);
}

/// Per direction one matrix: rows = input + hidden ([x_t, h_{t-1}] stacked), columns = 4 x hidden (gates i, o, f,
/// c); its chain ends feed the global digital units, one gate output per four values, and its own rows.
void lstm_layers(const Graph& graph, std::size_t index, std::vector<WeightLayer>& layers) {
  const Node& n = graph.nodes[index];
  const RecurrentWeights p = recurrent_weights(graph, n);
  for (std::int64_t d = 0; d < p.dirs; ++d) {
    hw::WeightMatrix m(p.input + p.hidden, p.gh);
    m.topRows(p.input) = view(p.w, d * p.gh * p.input, p.gh, p.input).transpose();
    m.bottomRows(p.hidden) = view(p.r, d * p.gh * p.hidden, p.gh, p.hidden).transpose();
    WeightLayer layer{index, n.name + direction_suffix(p.dirs, d), static_cast<int>(d), std::move(m), p.steps, {}};
    LayerStreaming& s = layer.streaming;
    const double hidden = layer.cols() / 4.0;
    s.input_rows = static_cast<int>(layer.rows() - hidden);
    s.output_channels = hidden;
    s.output_offset = static_cast<double>(d) * hidden;
    s.recurrent_source = static_cast<int>(d);
    s.gate_outputs_per_value = 0.25;
    s.reversed = reverse_direction(n, d);
    layers.push_back(std::move(layer));
  }
}

/// Per direction three: W (input x 3 hidden), R_zr (hidden x 2 hidden), R_h (hidden x hidden), since the
/// candidate's recurrent product reads r * h (or is gated after it). W's and R_zr's sums go to R_h's chain ends,
/// which feed the global digital units and both recurrent products. With linear_before_reset = 0 they compute the
/// reset gate r_t there first and send r_t * h_{t-1} to R_h's rows; with 1, R_h reads h_{t-1} and r_t gates its
/// sums after the product.
void gru_layers(const Graph& graph, std::size_t index, std::vector<WeightLayer>& layers) {
  const Node& n = graph.nodes[index];
  const RecurrentWeights p = recurrent_weights(graph, n);
  const bool reset_before_product = n.int_attribute("linear_before_reset", 0) == 0;
  for (std::int64_t d = 0; d < p.dirs; ++d) {
    const std::string dir = direction_suffix(p.dirs, d);
    const auto wd = view(p.w, d * p.gh * p.input, p.gh, p.input);
    const auto rd = view(p.r, d * p.gh * p.hidden, p.gh, p.hidden);
    const int base = static_cast<int>(3 * d);
    const hw::WeightMatrix matrices[] = {hw::WeightMatrix(wd.transpose()),
                                         hw::WeightMatrix(rd.topRows(2 * p.hidden).transpose()),
                                         hw::WeightMatrix(rd.bottomRows(p.hidden).transpose())};
    const char* names[] = {"/W", "/R_zr", "/R_h"};
    for (int which = 0; which < 3; ++which) {
      WeightLayer layer{index, n.name + dir + names[which], base + which, matrices[which], p.steps, {}};
      LayerStreaming& s = layer.streaming;
      s.input_rows = which == 0 ? layer.rows() : 0;
      s.output_channels = layer.cols();
      s.output_offset = static_cast<double>(d) * static_cast<double>(p.hidden);
      if (which > 0) s.recurrent_source = base + 2;
      if (which < 2) s.merge_into = base + 2;
      if (which == 2) s.gate_outputs_per_value = 1;
      s.gate_before_product = which == 2 && reset_before_product;
      s.reversed = reverse_direction(n, d);
      layers.push_back(std::move(layer));
    }
  }
}

Operator recurrent_operator(const std::string& type, std::vector<std::string> activations, std::int64_t gates) {
  Operator op;
  op.type = type;
  op.attributes = {"hidden_size", "layout", "direction", "activations", "clip"};
  op.check_import = [activations](const NodeContext& f) { check_recurrent(f, activations); };
  op.infer = [gates](const NodeContext& f) { return infer_recurrent(f, gates); };
  op.check_execution = check_initial_states;
  op.execute = [gates](const Execution& e) { return execute_recurrent(e, gates); };
  op.macs = recurrent_macs;
  op.parameter_inputs = 4;  // X, W, R, B: not the initial states
  op.mapping = Mapping::crossbars;
  op.weight_operands = 2;
  return op;
}

}  // namespace

std::vector<Operator> recurrent_operators() {
  Operator lstm = recurrent_operator("LSTM", {"Sigmoid", "Tanh", "Tanh"}, 4);
  lstm.attributes.insert("input_forget");
  lstm.weight_layers = lstm_layers;
  Operator gru = recurrent_operator("GRU", {"Sigmoid", "Tanh"}, 3);
  gru.attributes.insert("linear_before_reset");
  gru.weight_layers = gru_layers;
  return {lstm, gru};
}

}  // namespace imcsim::workloads::operators
