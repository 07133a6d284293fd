#include "workloads/dataset.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "base/errors.h"
#include "base/text.h"
#include "base/yaml_section.h"
#include "workloads/tensor_file.h"

namespace imcsim::workloads {

namespace {

ArrayData read_array(const std::string& path) {
  std::string name = path;
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  return ends_with(name, ".npy") ? read_npy(path) : read_idx(path);
}

/// Builds a Dataset from raw image and label arrays.
Dataset assemble(const std::string& name, const ArrayData& images, const std::string& images_path,
                 const ArrayData& labels, const std::string& labels_path, int max_images, const Preprocessing& pre) {
  if (images.shape.empty()) throw InputError(images_path, 0, 0, "shape", "no sample dimension");
  const std::int64_t count = images.shape[0];
  if (labels.shape.empty() || labels.elements() != count) {
    throw InputError(
        labels_path, 0, 0, "labels",
        std::to_string(labels.elements()) + " labels for " + std::to_string(count) + " images in " + images_path);
  }
  const std::int64_t n = max_images > 0 ? std::min<std::int64_t>(max_images, count) : count;
  const std::int64_t features = count > 0 ? images.elements() / count : 0;
  Dataset d;
  d.name = name;
  d.preprocessing = pre;
  std::vector<std::int64_t> tail(images.shape.begin() + 1, images.shape.end());
  // A 2-D image without a channel axis gets one in NCHW layout; rows keep (rows, columns).
  if (pre.layout == Layout::nchw && tail.size() == 2) tail.insert(tail.begin(), 1);
  d.sample_shape = tail;
  d.samples.resize(n, features);
  const float inv_scale = static_cast<float>(1.0 / pre.scale);
  const float mean = static_cast<float>(pre.mean);
  const float inv_std = static_cast<float>(1.0 / pre.std);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < features; ++j) {
      d.samples(i, j) = (images.values[static_cast<std::size_t>(i * features + j)] * inv_scale - mean) * inv_std;
    }
  }
  d.labels.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const float l = labels.values[static_cast<std::size_t>(i)];
    if (!(l >= 0) || l != std::floor(l)) {
      throw InputError(labels_path, 0, 0, "labels", "label " + std::to_string(i) + " is not a class index");
    }
    d.labels[static_cast<std::size_t>(i)] = static_cast<int>(l);
    d.classes = std::max(d.classes, static_cast<int>(l) + 1);
  }
  return d;
}

Preprocessing read_preprocessing(YamlSection s) {
  Preprocessing p;
  s.read_in_range("scale", p.scale, 1e-12, 1e12);
  s.read("mean", p.mean);
  s.read_in_range("std", p.std, 1e-12, 1e12);
  std::string layout = "nchw";
  s.read("layout", layout);
  if (layout != "nchw" && layout != "rows") s.fail("layout", "unknown layout '" + layout + "' (known: nchw, rows)");
  p.layout = layout == "nchw" ? Layout::nchw : Layout::rows;
  s.finish();
  return p;
}

}  // namespace

std::string fashion_mnist_directory() { return "/usr/share/datasets/fashion-mnist"; }

Dataset load_fashion_mnist(const std::string& split, int max_images, const Preprocessing& preprocessing,
                           const std::string& directory) {
  if (split != "test" && split != "train") {
    throw ParameterError("dataset.split", "unknown split '" + split + "' (known: test, train)");
  }
  const std::string prefix = directory + "/" + (split == "test" ? "t10k" : "train");
  const std::string images_path = prefix + "-images-idx3-ubyte.gz";
  const std::string labels_path = prefix + "-labels-idx1-ubyte.gz";
  return assemble("fashion-mnist:" + split, read_idx(images_path, max_images), images_path,
                  read_idx(labels_path, max_images), labels_path, max_images, preprocessing);
}

Dataset load_dataset(const std::string& spec, int max_images) {
  if (spec == "fashion-mnist" || spec == "fashion-mnist:test") return load_fashion_mnist("test", max_images);
  if (spec == "fashion-mnist:train") return load_fashion_mnist("train", max_images);
  YamlSection root = YamlSection::load_file(spec);
  std::string images, labels;
  root.read("images", images);
  root.read("labels", labels);
  if (images.empty()) root.fail("images", "missing: the file of the samples");
  if (labels.empty()) root.fail("labels", "missing: the file of the labels");
  const Preprocessing pre = read_preprocessing(root.section("preprocess"));
  root.finish();
  const std::filesystem::path base = std::filesystem::path(spec).parent_path();
  const std::string images_path = (base / images).lexically_normal().string();
  const std::string labels_path = (base / labels).lexically_normal().string();
  return assemble(spec, read_array(images_path), images_path, read_array(labels_path), labels_path, max_images, pre);
}

}  // namespace imcsim::workloads
