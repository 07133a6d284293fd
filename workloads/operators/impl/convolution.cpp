// Conv: 2-D, weight-stationary, one weight layer per group.

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"
#include "workloads/operators/window.h"

namespace imcsim::workloads::operators {

namespace {

using Matrix = hw::BatchMatrix;

/// Per group, the unrolled patches of all samples (step-major: one row per output pixel and sample) through the
/// engine, then scattered back to N x M x H x W.
std::vector<Matrix> execute_conv(const Execution& e) {
  const Graph& g = e.graph;
  const Node& n = e.node;
  const Matrix& x = e.input(0);
  const Window w = convolution_window(g, n, g.name, n.name);
  const std::int64_t cg = w.in_channels / w.group;   // input channels per group
  const std::int64_t mg = w.out_channels / w.group;  // output channels per group
  const std::int64_t patch = cg * w.kernel_h * w.kernel_w;
  const std::int64_t positions = w.out_h * w.out_w;
  const Eigen::Index samples = x.rows();
  const std::vector<float>* bias = n.inputs.size() > 2 ? &g.tensor(n.inputs[2]).data : nullptr;
  Matrix out(samples, w.out_channels * positions);
  // Per-thread buffers: the unrolled patches of a chunk are megabytes, allocated once per thread.
  thread_local Matrix cols, y;
  cols.resize(positions * samples, patch);
  for (std::int64_t grp = 0; grp < w.group; ++grp) {
    for (std::int64_t oy = 0; oy < w.out_h; ++oy) {
      for (std::int64_t ox = 0; ox < w.out_w; ++ox) {
        for (Eigen::Index s = 0; s < samples; ++s) {
          const float* in = x.row(s).data();
          float* row = cols.row((oy * w.out_w + ox) * samples + s).data();
          for (std::int64_t c = 0; c < cg; ++c) {
            for (std::int64_t ky = 0; ky < w.kernel_h; ++ky) {
              const std::int64_t iy = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
              const bool row_inside = iy >= 0 && iy < w.in_h;
              for (std::int64_t kx = 0; kx < w.kernel_w; ++kx) {
                const std::int64_t ix = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
                const bool inside = row_inside && ix >= 0 && ix < w.in_w;
                row[(c * w.kernel_h + ky) * w.kernel_w + kx] =
                    inside ? in[((grp * cg + c) * w.in_h + iy) * w.in_w + ix] : 0.0f;
              }
            }
          }
        }
      }
    }
    e.engine.multiply(e.first_layer + static_cast<std::size_t>(grp), cols, samples, e.first_image, 0, y);
    for (Eigen::Index s = 0; s < samples; ++s) {
      float* o = out.row(s).data() + grp * mg * positions;
      for (std::int64_t p = 0; p < positions; ++p) {
        const float* v = y.row(p * samples + s).data();
        for (std::int64_t m = 0; m < mg; ++m) {
          o[m * positions + p] = v[m] + (bias != nullptr ? (*bias)[static_cast<std::size_t>(grp * mg + m)] : 0.0f);
        }
      }
    }
  }
  return {out};
}

/// One matrix per group: rows = C/group x kH x kW, columns = M/group; one MVM per output pixel.
void conv_layers(const Graph& graph, std::size_t index, std::vector<WeightLayer>& layers) {
  const Node& n = graph.nodes[index];
  const Window win = convolution_window(graph, n, graph.name, n.name);
  const Tensor& w = graph.tensor(n.inputs[1]);
  const std::int64_t mg = win.out_channels / win.group;
  const std::int64_t patch = (win.in_channels / win.group) * win.kernel_h * win.kernel_w;
  for (std::int64_t g = 0; g < win.group; ++g) {
    WeightLayer layer{index,
                      n.name + (win.group > 1 ? "/group " + std::to_string(g) : ""),
                      static_cast<int>(g),
                      hw::WeightMatrix(view(w, g * mg * patch, mg, patch).transpose()),
                      win.out_h * win.out_w,
                      {}};
    LayerStreaming& s = layer.streaming;
    s.input_rows = layer.rows();
    s.output_channels = layer.cols();
    s.output_offset = static_cast<double>(g) * layer.cols();
    s.input_part = static_cast<int>(g);
    s.input_parts = static_cast<int>(win.group);
    s.windowed = true;
    layers.push_back(std::move(layer));
  }
}

}  // namespace

std::vector<Operator> convolution_operators() {
  Operator conv;
  conv.type = "Conv";
  conv.attributes = {"kernel_shape", "pads", "strides", "dilations", "group"};
  conv.infer = [](const NodeContext& f) { return windowed_output(f, convolution_window); };
  conv.check_execution = require_constant_weights;
  conv.execute = execute_conv;
  conv.macs = [](const Graph& g, const Node& n) {
    const Window w = convolution_window(g, n, "", n.name);
    return w.out_channels * w.out_h * w.out_w * (w.in_channels / w.group) * w.kernel_h * w.kernel_w;
  };
  conv.parameter_inputs = Operator::all_inputs;
  conv.mapping = Mapping::crossbars;
  conv.weight_operands = 1;
  conv.weight_layers = conv_layers;
  conv.channel_layout = [](const Graph& g, const Node& n) -> std::optional<ChannelLayout> {
    if (!constant_inputs(g, n, 1, n.inputs.size() > 2 ? 2 : 1)) return std::nullopt;
    return ChannelLayout{g.tensor(n.inputs[1]).shape[0], true};
  };
  return {conv};
}

}  // namespace imcsim::workloads::operators
