// MaxPool, AveragePool and GlobalAveragePool on N x C x H x W: a pooling pass of the local digital unit.

#include <algorithm>
#include <limits>

#include "workloads/operators/impl/families.h"
#include "workloads/operators/support.h"
#include "workloads/operators/window.h"

namespace imcsim::workloads::operators {

namespace {

using Matrix = hw::BatchMatrix;

std::vector<Matrix> execute_pooling(const Execution& e, bool max) {
  const Matrix& x = e.input(0);
  const Window w = pooling_window(e.graph, e.node, e.graph.name, e.node.name);
  Matrix out(x.rows(), w.out_channels * w.out_h * w.out_w);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    const float* in = x.row(s).data();
    float* o = out.row(s).data();
    for (std::int64_t c = 0; c < w.in_channels; ++c) {
      for (std::int64_t oy = 0; oy < w.out_h; ++oy) {
        for (std::int64_t ox = 0; ox < w.out_w; ++ox) {
          float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
          std::int64_t counted = 0;
          std::int64_t window_cells = 0;
          for (std::int64_t ky = 0; ky < w.kernel_h; ++ky) {
            for (std::int64_t kx = 0; kx < w.kernel_w; ++kx) {
              const std::int64_t iy = oy * w.stride_h - w.pad_top + ky;
              const std::int64_t ix = ox * w.stride_w - w.pad_left + kx;
              // Cells in the padding count for count_include_pad; cells past it (ceil_mode) never do.
              if (iy < w.in_h + w.pad_bottom && ix < w.in_w + w.pad_right) ++window_cells;
              if (iy < 0 || iy >= w.in_h || ix < 0 || ix >= w.in_w) continue;
              const float v = in[(c * w.in_h + iy) * w.in_w + ix];
              acc = max ? std::max(acc, v) : acc + v;
              ++counted;
            }
          }
          if (!max) acc /= static_cast<float>(w.count_include_pad ? window_cells : std::max<std::int64_t>(counted, 1));
          o[(c * w.out_h + oy) * w.out_w + ox] = acc;
        }
      }
    }
  }
  return {out};
}

Operator pooling_operator(const std::string& type, std::set<std::string> attributes, bool max) {
  Operator op;
  op.type = type;
  op.attributes = std::move(attributes);
  op.infer = [](const NodeContext& f) { return windowed_output(f, pooling_window); };
  op.execute = [max](const Execution& e) { return execute_pooling(e, max); };
  op.mapping = Mapping::pool;
  return op;
}

std::vector<Tensor> infer_global_average_pool(const NodeContext& f) {
  Tensor out;
  out.batch_axis = f.in(0).batch_axis;
  const auto& a = f.in(0).shape;
  if (a.size() != 4) f.fail("expects N x C x H x W, got " + show(a));
  out.shape = {a[0], a[1], 1, 1};
  if (out.batch_axis > 0) f.fail("expects the batch on the first axis");
  return {out};
}

std::vector<Matrix> execute_global_average_pool(const Execution& e) {
  const Matrix& x = e.input(0);
  const auto& shape = e.graph.tensor(e.node.inputs[0]).shape;
  const std::int64_t channels = shape[1], cells = shape[2] * shape[3];
  Matrix out(x.rows(), channels);
  for (Eigen::Index s = 0; s < x.rows(); ++s) {
    for (std::int64_t c = 0; c < channels; ++c) out(s, c) = x.row(s).segment(c * cells, cells).mean();
  }
  return {out};
}

}  // namespace

std::vector<Operator> pooling_operators() {
  Operator global;
  global.type = "GlobalAveragePool";
  global.infer = infer_global_average_pool;
  global.execute = execute_global_average_pool;
  global.mapping = Mapping::pool;
  return {pooling_operator("MaxPool", {"kernel_shape", "pads", "strides", "ceil_mode"}, true),
          pooling_operator("AveragePool", {"kernel_shape", "pads", "strides", "ceil_mode", "count_include_pad"}, false),
          global};
}

}  // namespace imcsim::workloads::operators
