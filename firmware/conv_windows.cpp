#include "firmware/conv_windows.h"

#include <algorithm>

namespace imcsim::firmware {

namespace {

/// The input coordinates one output coordinate reads along an axis: o x stride - pad + k x dilation, inside [0, in).
std::vector<int> axis_reads(std::int64_t o, std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                            std::int64_t dilation) {
  std::vector<int> out;
  for (std::int64_t k = 0; k < kernel; ++k) {
    const std::int64_t i = o * stride - pad + k * dilation;
    if (i >= 0 && i < in) out.push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace

std::vector<int> window_pixels(const workloads::operators::Window& w, int out) {
  const std::int64_t oy = out / w.out_w, ox = out % w.out_w;
  const auto ys = axis_reads(oy, w.in_h, w.kernel_h, w.stride_h, w.pad_top, w.dilation_h);
  const auto xs = axis_reads(ox, w.in_w, w.kernel_w, w.stride_w, w.pad_left, w.dilation_w);
  std::vector<int> pixels;
  pixels.reserve(ys.size() * xs.size());
  for (const int y : ys) {
    for (const int x : xs) pixels.push_back(static_cast<int>(y * w.in_w + x));
  }
  return pixels;
}

std::vector<std::vector<int>> first_reads(const workloads::operators::Window& w,
                                          const std::vector<std::vector<int>>& chunks) {
  std::vector<bool> seen(static_cast<std::size_t>(w.in_h * w.in_w), false);
  std::vector<std::vector<int>> out;
  out.reserve(chunks.size());
  for (const auto& chunk : chunks) {
    std::vector<int> fresh;
    for (const int o : chunk) {
      for (const int q : window_pixels(w, o)) {
        if (seen[static_cast<std::size_t>(q)]) continue;
        seen[static_cast<std::size_t>(q)] = true;
        fresh.push_back(q);
      }
    }
    std::sort(fresh.begin(), fresh.end());
    out.push_back(std::move(fresh));
  }
  return out;
}

std::vector<int> completing_pixels(const workloads::operators::Window& w) {
  std::vector<int> out(static_cast<std::size_t>(w.out_h * w.out_w), 0);
  for (std::size_t o = 0; o < out.size(); ++o) {
    const auto pixels = window_pixels(w, static_cast<int>(o));
    if (!pixels.empty()) out[o] = pixels.back();
  }
  return out;
}

}  // namespace imcsim::firmware
