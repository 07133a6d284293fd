#include "workloads/operators/support.h"

#include <algorithm>

#include "base/errors.h"

namespace imcsim::workloads::operators {

std::string show(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return out + "]";
}

bool compatible(std::int64_t a, std::int64_t b) { return a < 0 || b < 0 || a == b; }

Shape broadcast(const NodeContext& f, const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t x = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t y = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (x == 1) {
      out[i] = y;
    } else if (y == 1) {
      out[i] = x;
    } else if (compatible(x, y)) {
      out[i] = std::max(x, y);
    } else {
      f.fail("shapes " + show(a) + " and " + show(b) + " do not broadcast");
    }
  }
  return out;
}

Shape sample_shape_or_fail(const NodeContext& f, const Tensor& t) {
  Shape s;
  for (std::size_t k = 0; k < t.shape.size(); ++k) {
    if (static_cast<int>(k) == t.batch_axis) continue;
    if (t.shape[k] < 0)
      f.fail("tensor '" + t.name + "' has an unknown dimension other than the batch: " + show(t.shape));
    s.push_back(t.shape[k]);
  }
  return s;
}

Shape sample_shape(const Tensor& t) {
  Shape s = t.shape;
  if (t.batch_axis >= 0) s.erase(s.begin() + t.batch_axis);
  return s;
}

Shape one_sample(const Tensor& t) {
  Shape s = t.shape;
  if (t.batch_axis >= 0) s[static_cast<std::size_t>(t.batch_axis)] = 1;
  return s;
}

std::int64_t sample_axis(const Tensor& t, std::int64_t axis) {
  if (axis < 0) axis += static_cast<std::int64_t>(t.shape.size());
  return t.batch_axis >= 0 && axis > t.batch_axis ? axis - 1 : axis;
}

hw::BatchMatrix constant_row(const Tensor& t) {
  return Eigen::Map<const hw::BatchMatrix>(t.data.data(), 1, static_cast<Eigen::Index>(t.data.size()));
}

hw::BatchMatrix gather_columns(const hw::BatchMatrix& m, const std::vector<std::int64_t>& from) {
  hw::BatchMatrix out(m.rows(), static_cast<Eigen::Index>(from.size()));
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const float* in = m.row(r).data();
    float* o = out.row(r).data();
    for (std::size_t j = 0; j < from.size(); ++j) o[j] = in[from[j]];
  }
  return out;
}

bool is_identity(const std::vector<std::int64_t>& from, std::int64_t size) {
  if (static_cast<std::int64_t>(from.size()) != size) return false;
  for (std::size_t j = 0; j < from.size(); ++j) {
    if (from[j] != static_cast<std::int64_t>(j)) return false;
  }
  return true;
}

Eigen::Map<const hw::BatchMatrix> view(const Tensor& t, std::int64_t offset, std::int64_t rows, std::int64_t cols) {
  return Eigen::Map<const hw::BatchMatrix>(t.data.data() + offset, rows, cols);
}

void require_constant_weights(const NodeContext& f) {
  if (!f.constant(1)) f.fail("the weight operand must be a constant");
}

std::vector<Tensor> same_shape(const NodeContext& f) {
  Tensor out;
  out.shape = f.in(0).shape;
  out.batch_axis = f.in(0).batch_axis;
  return {out};
}

std::vector<hw::BatchMatrix> pass_through(const Execution& e) { return {e.input(0)}; }

}  // namespace imcsim::workloads::operators
