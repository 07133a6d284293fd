#pragma once
// Labelled data sets for accuracy runs: Fashion-MNIST from Debian's dataset-fashion-mnist package, or the
// user's own images and labels (IDX or NPY) described by a small YAML file:
//
//   images: my_images.npy          # N x ... (any shape after N), relative to this file
//   labels: my_labels.npy          # N integer class labels
//   preprocess:                    # optional; without it pixels are divided by 255
//     scale: 255                   # x = (raw / scale - mean) / std
//     mean: 0.0
//     std: 1.0
//     layout: nchw                 # nchw (one image per sample) | rows (a sequence of rows, for recurrent models)
//
// Contract: every error (missing or corrupt file, count mismatch, unknown key) is an InputError naming the
// file and the field; a loaded Dataset is consistent (one label per sample, labels >= 0).

#include <cstdint>
#include <string>
#include <vector>

#include "hw/types.h"

namespace imcsim::workloads {

enum class Layout { nchw, rows };

struct Preprocessing {
  double scale = 255.0;
  double mean = 0.0;
  double std = 1.0;
  Layout layout = Layout::nchw;
};

struct Dataset {
  std::string name;
  std::vector<std::int64_t> sample_shape;  ///< per sample, e.g. {1, 28, 28} (nchw) or {28, 28} (rows)
  hw::BatchMatrix samples;                 ///< one flattened, preprocessed sample per row
  std::vector<int> labels;
  int classes = 0;                         ///< max label + 1
  Preprocessing preprocessing;
  int size() const { return static_cast<int>(labels.size()); }
};

/// Debian's installation directory of Fashion-MNIST.
std::string fashion_mnist_directory();

/// Fashion-MNIST, split "test" (10,000 images) or "train" (60,000); at most max_images (0: all).
Dataset load_fashion_mnist(const std::string& split, int max_images = 0, const Preprocessing& preprocessing = {},
                           const std::string& directory = fashion_mnist_directory());

/// "fashion-mnist", "fashion-mnist:train" or the path of a data set YAML file (see above).
Dataset load_dataset(const std::string& spec, int max_images = 0);

}  // namespace imcsim::workloads
