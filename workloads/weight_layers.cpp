#include "workloads/weight_layers.h"

#include "base/errors.h"
#include "workloads/shape_inference.h"

namespace imcsim::workloads {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::Map<const RowMajor> view(const Tensor& t, std::int64_t offset, std::int64_t rows, std::int64_t cols) {
  return Eigen::Map<const RowMajor>(t.data.data() + offset, rows, cols);
}

}  // namespace

std::vector<WeightLayer> weight_layers(const Graph& graph) {
  std::vector<WeightLayer> layers;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    const bool weighted = n.op == "Gemm" || n.op == "MatMul" || n.op == "Conv" || n.op == "LSTM" || n.op == "GRU";
    for (std::size_t k = 1; weighted && k < (n.op == "LSTM" || n.op == "GRU" ? 3u : 2u); ++k) {
      if (k >= n.inputs.size() || !graph.tensor(n.inputs[k]).constant) {
        throw InputError(graph.name, 0, 0, "node '" + n.name + "' (" + n.op + ")",
                         "a product of two activations cannot be held in crossbars: the weights must be constants");
      }
    }
    const auto add = [&](const std::string& suffix, int part, hw::WeightMatrix m, std::int64_t mvms) {
      layers.push_back({i, n.name + suffix, part, std::move(m), mvms});
    };
    if (n.op == "Gemm" || n.op == "MatMul") {
      const Tensor& w = graph.tensor(n.inputs[1]);
      const bool transposed = n.op == "Gemm" && n.int_attribute("transB", 0) != 0;
      hw::WeightMatrix m = transposed ? hw::WeightMatrix(view(w, 0, w.shape[0], w.shape[1]).transpose())
                                      : hw::WeightMatrix(view(w, 0, w.shape[0], w.shape[1]));
      if (n.op == "Gemm") m *= n.float_attribute("alpha", 1.0f);
      const auto& x = graph.tensor(n.inputs[0]);
      std::int64_t vectors = 1;  // per sample
      for (std::size_t k = 0; k + 1 < x.shape.size(); ++k) {
        if (static_cast<int>(k) != x.batch_axis) vectors *= x.shape[k];
      }
      add("", 0, std::move(m), vectors);
    } else if (n.op == "Conv") {
      const Window win = window(graph, n, graph.name, n.name);
      const Tensor& w = graph.tensor(n.inputs[1]);
      const std::int64_t mg = win.out_channels / win.group;
      const std::int64_t patch = (win.in_channels / win.group) * win.kernel_h * win.kernel_w;
      for (std::int64_t g = 0; g < win.group; ++g) {
        add(win.group > 1 ? "/group " + std::to_string(g) : "", static_cast<int>(g),
            hw::WeightMatrix(view(w, g * mg * patch, mg, patch).transpose()), win.out_h * win.out_w);
      }
    } else if (n.op == "LSTM" || n.op == "GRU") {
      const Tensor& w = graph.tensor(n.inputs[1]);
      const Tensor& r = graph.tensor(n.inputs[2]);
      const std::int64_t dirs = w.shape[0], gh = w.shape[1], input = w.shape[2], hidden = r.shape[2];
      const auto& x = graph.tensor(n.inputs[0]);
      const std::int64_t steps = x.shape[n.int_attribute("layout", 0) == 0 ? 0 : 1];
      for (std::int64_t d = 0; d < dirs; ++d) {
        const std::string dir = dirs > 1 ? "/direction " + std::to_string(d) : "";
        const auto wd = view(w, d * gh * input, gh, input);
        const auto rd = view(r, d * gh * hidden, gh, hidden);
        if (n.op == "LSTM") {
          hw::WeightMatrix m(input + hidden, gh);
          m.topRows(input) = wd.transpose();
          m.bottomRows(hidden) = rd.transpose();
          add(dir, static_cast<int>(d), std::move(m), steps);
        } else {
          const int base = static_cast<int>(3 * d);
          add(dir + "/W", base, hw::WeightMatrix(wd.transpose()), steps);
          add(dir + "/R_zr", base + 1, hw::WeightMatrix(rd.topRows(2 * hidden).transpose()), steps);
          add(dir + "/R_h", base + 2, hw::WeightMatrix(rd.bottomRows(hidden).transpose()), steps);
        }
      }
    }
  }
  return layers;
}

}  // namespace imcsim::workloads
