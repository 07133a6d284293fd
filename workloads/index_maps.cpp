#include "workloads/index_maps.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

#include "base/errors.h"

namespace imcsim::workloads {

namespace {

std::string show(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// C-order strides of a shape.
Shape strides_of(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

/// Calls f(source offset) for every element of `out_shape` in C order, where the source offset is the sum of
/// index[k] * source_strides[k] plus `base`.
template <typename F>
void walk(const Shape& out_shape, const Shape& source_strides, std::int64_t base, F f) {
  const std::int64_t n = element_count(out_shape);
  Shape index(out_shape.size(), 0);
  std::int64_t offset = base;
  for (std::int64_t j = 0; j < n; ++j) {
    f(offset);
    for (std::size_t k = out_shape.size(); k-- > 0;) {
      offset += source_strides[k];
      if (++index[k] < out_shape[k]) break;
      offset -= source_strides[k] * out_shape[k];
      index[k] = 0;
    }
  }
}

}  // namespace

std::int64_t element_count(const Shape& shape) {
  std::int64_t n = 1;
  for (const auto d : shape) n *= d;
  return n;
}

std::int64_t to_index(float value) {
  constexpr auto high = static_cast<float>(std::numeric_limits<std::int64_t>::max());
  if (value >= high) return std::numeric_limits<std::int64_t>::max();
  if (value <= -high) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(value);
}

std::int64_t normalised_axis(std::int64_t axis, std::int64_t rank, const char* what) {
  const std::int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw Error(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return a;
}

IndexMap transpose_map(const Shape& shape, std::vector<std::int64_t> perm) {
  const auto rank = static_cast<std::int64_t>(shape.size());
  if (perm.empty()) {
    perm.resize(shape.size());
    std::iota(perm.rbegin(), perm.rend(), 0);
  }
  Shape sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  Shape identity(shape.size());
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity) throw Error("perm " + show(perm) + " is not a permutation of rank " + std::to_string(rank));
  const Shape in_strides = strides_of(shape);
  IndexMap m;
  Shape source_strides;
  for (const auto p : perm) {
    m.shape.push_back(shape[static_cast<std::size_t>(p)]);
    source_strides.push_back(in_strides[static_cast<std::size_t>(p)]);
  }
  walk(m.shape, source_strides, 0, [&](std::int64_t o) { m.from.push_back(o); });
  return m;
}

IndexMap gather_map(const Shape& shape, std::int64_t axis, const std::vector<std::int64_t>& indices,
                    const Shape& indices_shape) {
  const std::int64_t a = normalised_axis(axis, static_cast<std::int64_t>(shape.size()), "axis");
  const std::int64_t extent = shape[static_cast<std::size_t>(a)];
  const std::int64_t outer = element_count(Shape(shape.begin(), shape.begin() + a));
  const std::int64_t inner = element_count(Shape(shape.begin() + a + 1, shape.end()));
  IndexMap m;
  m.shape.assign(shape.begin(), shape.begin() + a);
  m.shape.insert(m.shape.end(), indices_shape.begin(), indices_shape.end());
  m.shape.insert(m.shape.end(), shape.begin() + a + 1, shape.end());
  for (std::int64_t o = 0; o < outer; ++o) {
    for (const auto raw : indices) {
      const std::int64_t i = raw < 0 ? raw + extent : raw;
      if (i < 0 || i >= extent) {
        throw Error("index " + std::to_string(raw) + " is out of range for an axis of " + std::to_string(extent));
      }
      for (std::int64_t k = 0; k < inner; ++k) m.from.push_back((o * extent + i) * inner + k);
    }
  }
  return m;
}

IndexMap slice_map(const Shape& shape, const std::vector<std::int64_t>& starts, const std::vector<std::int64_t>& ends,
                   std::vector<std::int64_t> axes, std::vector<std::int64_t> steps) {
  const auto rank = static_cast<std::int64_t>(shape.size());
  if (axes.empty()) {
    axes.resize(starts.size());
    std::iota(axes.begin(), axes.end(), 0);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    throw Error("starts, ends, axes and steps differ in length");
  }
  Shape begin(shape.size(), 0), step(shape.size(), 1), out = shape;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    const auto a = static_cast<std::size_t>(normalised_axis(axes[k], rank, "axis"));
    const std::int64_t dim = shape[a];
    const std::int64_t s = steps[k];
    if (s == 0) throw Error("step 0");
    // NumPy's clamping: starts to [0, dim] (or [0, dim - 1] stepping backwards), ends to [0, dim] (or [-1, dim - 1]).
    const auto clamp = [&](std::int64_t v, std::int64_t low) {
      if (v < 0) v = v < -dim ? low : v + dim;
      return s > 0 ? std::clamp<std::int64_t>(v, 0, dim) : std::clamp<std::int64_t>(v, low, dim - 1);
    };
    const std::int64_t b = clamp(starts[k], 0);
    const std::int64_t e = clamp(ends[k], -1);
    begin[a] = b;
    step[a] = s;
    out[a] = s > 0 ? std::max<std::int64_t>(0, (e - b + s - 1) / s) : std::max<std::int64_t>(0, (b - e - s - 1) / -s);
  }
  const Shape in_strides = strides_of(shape);
  Shape source_strides(shape.size());
  std::int64_t base = 0;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    source_strides[k] = in_strides[k] * step[k];
    base += begin[k] * in_strides[k];
  }
  IndexMap m;
  m.shape = out;
  walk(m.shape, source_strides, base, [&](std::int64_t o) { m.from.push_back(o); });
  return m;
}

IndexMap concat_map(const std::vector<Shape>& shapes, std::int64_t axis) {
  if (shapes.empty()) throw Error("no inputs");
  const auto rank = static_cast<std::int64_t>(shapes.front().size());
  const auto a = static_cast<std::size_t>(normalised_axis(axis, rank, "axis"));
  IndexMap m;
  m.shape = shapes.front();
  m.shape[a] = 0;
  for (const auto& s : shapes) {
    Shape other = s, first = shapes.front();
    if (other.size() != first.size()) throw Error("inputs " + show(first) + " and " + show(s) + " differ in rank");
    other[a] = first[a] = 0;
    if (other != first) throw Error("inputs " + show(shapes.front()) + " and " + show(s) + " differ off the axis");
    m.shape[a] += s[a];
  }
  const std::int64_t outer = element_count(Shape(m.shape.begin(), m.shape.begin() + static_cast<std::ptrdiff_t>(a)));
  std::vector<std::int64_t> base(shapes.size(), 0);
  for (std::size_t k = 1; k < shapes.size(); ++k) base[k] = base[k - 1] + element_count(shapes[k - 1]);
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      const std::int64_t block =
          element_count(Shape(shapes[k].begin() + static_cast<std::ptrdiff_t>(a), shapes[k].end()));
      for (std::int64_t e = 0; e < block; ++e) m.from.push_back(base[k] + o * block + e);
    }
  }
  return m;
}

std::vector<std::int64_t> broadcast_map(const Shape& operand, const Shape& out) {
  const Shape in_strides = strides_of(operand);
  Shape source_strides(out.size(), 0);
  const std::size_t lead = out.size() - operand.size();
  for (std::size_t k = 0; k < operand.size(); ++k) {
    source_strides[lead + k] = operand[k] == 1 ? 0 : in_strides[k];
  }
  std::vector<std::int64_t> from;
  from.reserve(static_cast<std::size_t>(element_count(out)));
  walk(out, source_strides, 0, [&](std::int64_t o) { from.push_back(o); });
  return from;
}

}  // namespace imcsim::workloads
