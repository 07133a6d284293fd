#include "workloads/batch_norm_folding.h"

#include <algorithm>
#include <cmath>

#include "workloads/operators/operator.h"

namespace imcsim::workloads {

namespace {

std::size_t uses(const Graph& g, const std::string& name) {
  std::size_t n = 0;
  for (const auto& node : g.nodes)
    n += static_cast<std::size_t>(std::count(node.inputs.begin(), node.inputs.end(), name));
  return n + static_cast<std::size_t>(std::count(g.outputs.begin(), g.outputs.end(), name));
}

std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int k = 1; g.tensors.count(name) != 0; ++k) name = base + "_" + std::to_string(k);
  return name;
}

}  // namespace

void fold_batch_normalization(Graph& graph) {
  for (std::size_t i = 1; i < graph.nodes.size(); ++i) {
    const Node bn = graph.nodes[i];
    if (bn.op != "BatchNormalization" || !operators::constant_inputs(graph, bn, 1, 4)) continue;
    const std::string& x = bn.inputs[0];
    const auto producer = std::find_if(graph.nodes.begin(), graph.nodes.begin() + static_cast<std::ptrdiff_t>(i),
                                       [&](const Node& n) { return !n.outputs.empty() && n.outputs[0] == x; });
    if (producer == graph.nodes.begin() + static_cast<std::ptrdiff_t>(i) || uses(graph, x) != 1) continue;
    Node& layer = *producer;
    const operators::Operator* op = operators::find_operator(layer.op);
    const auto layout = op != nullptr && op->channel_layout ? op->channel_layout(graph, layer) : std::nullopt;
    if (!layout) continue;
    const std::int64_t channels = layout->channels;
    const bool rows = layout->contiguous;
    const auto& scale = graph.tensor(bn.inputs[1]).data;
    const auto& shift = graph.tensor(bn.inputs[2]).data;
    const auto& mean = graph.tensor(bn.inputs[3]).data;
    const auto& var = graph.tensor(bn.inputs[4]).data;
    if (static_cast<std::int64_t>(scale.size()) != channels) continue;
    const float eps = bn.float_attribute("epsilon", 1e-5f);
    Tensor w = graph.tensor(layer.inputs[1]);
    std::vector<float> bias = layer.inputs.size() > 2 ? graph.tensor(layer.inputs[2]).data
                                                      : std::vector<float>(static_cast<std::size_t>(channels), 0.0f);
    const std::int64_t per_channel = w.elements() / channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      const auto k = static_cast<std::size_t>(c);
      const float a = scale[k] / std::sqrt(var[k] + eps);
      for (std::int64_t e = 0; e < per_channel; ++e) {
        const std::int64_t at = rows ? c * per_channel + e : e * channels + c;
        w.data[static_cast<std::size_t>(at)] *= a;
      }
      bias[k] = a * (bias[k] - mean[k]) + shift[k];
    }
    w.name = fresh_name(graph, bn.name + ".folded_weight");
    Tensor b{fresh_name(graph, bn.name + ".folded_bias"), {channels}, bias, true, -1};
    layer.inputs.resize(3);
    layer.inputs[1] = w.name;
    layer.inputs[2] = b.name;
    graph.tensors[w.name] = std::move(w);
    graph.tensors[b.name] = std::move(b);
    graph.tensors.erase(x);
    layer.outputs[0] = bn.outputs[0];
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(i));
    --i;
  }
}

}  // namespace imcsim::workloads
