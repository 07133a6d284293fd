#pragma once
// Which input pixels the windows of a 2-D sliding window (Conv, MaxPool, AveragePool; workloads/operators/window.h)
// read, for the model compiler's deliveries between stages (firmware/model_compiler.cpp). Pixels are raster
// indices, y x W + x of an H x W map; padding reads no pixel; channels do not enter (a window reads every channel
// of its group). Plain functions of the geometry: the window must be consistent (as shape inference leaves it).

#include <vector>

#include "workloads/operators/window.h"

namespace imcsim::firmware {

/// The input pixels that output pixel `out` (in [0, out_h x out_w)) reads, ascending.
std::vector<int> window_pixels(const workloads::operators::Window& w, int out);

/// Output pixels run in chunks (each a list of output pixels; chunks in the order they run). Element m: the input
/// pixels, ascending, that some output of chunk m reads and no output of an earlier chunk does. Their union over
/// the chunks is the union of the chunks' windows, and each pixel appears once.
std::vector<std::vector<int>> first_reads(const workloads::operators::Window& w,
                                          const std::vector<std::vector<int>>& chunks);

/// Per output pixel (raster order), the last input pixel in raster order that its window reads: once the input
/// arrives in raster order, the pixel whose arrival completes the output. A window over padding only reads pixel 0.
std::vector<int> completing_pixels(const workloads::operators::Window& w);

}  // namespace imcsim::firmware
