#include "workloads/batch_norm_folding.h"

#include <algorithm>
#include <cmath>

namespace imcsim::workloads {

namespace {

std::size_t uses(const Graph& g, const std::string& name) {
  std::size_t n = 0;
  for (const auto& node : g.nodes)
    n += static_cast<std::size_t>(std::count(node.inputs.begin(), node.inputs.end(), name));
  return n + static_cast<std::size_t>(std::count(g.outputs.begin(), g.outputs.end(), name));
}

bool all_constant(const Graph& g, const Node& n, std::size_t first, std::size_t last) {
  for (std::size_t k = first; k <= last; ++k) {
    if (k >= n.inputs.size() || n.inputs[k].empty() || !g.tensor(n.inputs[k]).constant) return false;
  }
  return true;
}

/// Output channels of the layer, and how the weights are laid out: true when each output channel's weights
/// are one contiguous block (Conv, Gemm with transB), false when they are a column (Gemm without transB).
bool foldable_layer(const Graph& g, const Node& layer, std::int64_t& channels, bool& rows) {
  if (layer.op == "Conv") {
    if (!all_constant(g, layer, 1, layer.inputs.size() > 2 ? 2 : 1)) return false;
    channels = g.tensor(layer.inputs[1]).shape[0];
    rows = true;
    return true;
  }
  if (layer.op == "Gemm" && layer.int_attribute("transA", 0) == 0 && layer.float_attribute("alpha", 1.0f) == 1.0f &&
      layer.float_attribute("beta", 1.0f) == 1.0f && all_constant(g, layer, 1, layer.inputs.size() > 2 ? 2 : 1)) {
    const Tensor& w = g.tensor(layer.inputs[1]);
    rows = layer.int_attribute("transB", 0) != 0;
    channels = rows ? w.shape[0] : w.shape[1];
    if (layer.inputs.size() > 2 && static_cast<std::int64_t>(g.tensor(layer.inputs[2]).data.size()) != channels) {
      return false;  // a bias broadcast from a scalar or over rows
    }
    return true;
  }
  return false;
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
    if (bn.op != "BatchNormalization" || !all_constant(graph, bn, 1, 4)) continue;
    const std::string& x = bn.inputs[0];
    const auto producer = std::find_if(graph.nodes.begin(), graph.nodes.begin() + static_cast<std::ptrdiff_t>(i),
                                       [&](const Node& n) { return !n.outputs.empty() && n.outputs[0] == x; });
    if (producer == graph.nodes.begin() + static_cast<std::ptrdiff_t>(i) || uses(graph, x) != 1) continue;
    Node& layer = *producer;
    std::int64_t channels = 0;
    bool rows = true;
    if (!foldable_layer(graph, layer, channels, rows)) continue;
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
