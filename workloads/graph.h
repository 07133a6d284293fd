#pragma once
// The graph IR: a typed graph of tensors and operators, what every importer produces and every back end
// (reference executor, compiler) consumes. Plain C++, no ONNX or SystemC types.
//
// Contract: tensor names are unique; every node input is a graph input, an initializer or the output of an
// earlier node (nodes are in topological order); shapes use -1 for a dynamic (batch) dimension. Every
// activation has exactly one batch axis (Tensor::batch_axis); the graph input's is its first axis.
// Shape arithmetic folded at import keeps the unknown batch size as NaN in a constant's data.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace imcsim::workloads {

/// An operator attribute. `kind` is the ONNX type it came with (set by the importer); code that builds graphs
/// may leave it `unset`, and the exporter then takes the non-empty field (ints, floats, s) or, for scalars, the
/// operator schema's type of the key.
struct Attribute {
  enum class Kind { unset, integer, real, text, integers, reals, texts };
  Kind kind = Kind::unset;
  std::int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<std::int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
};

struct Tensor {
  std::string name;
  std::vector<std::int64_t> shape;  ///< -1: dynamic
  std::vector<float> data;          ///< initializers only, C order
  bool constant = false;            ///< an initializer (weights, biases, folded constants)
  /// The axis that carries the batch (activations; the graph input's first axis), or -1 (constants).
  int batch_axis = -1;
  /// A constant of integers (shapes, axes, indices: int64 in ONNX); the values are still held as floats.
  bool integer = false;
  std::int64_t elements() const;
};

struct Node {
  std::string name;
  std::string op;  ///< ONNX operator name (Gemm, Relu, ...)
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;

  std::int64_t int_attribute(const std::string& key, std::int64_t fallback) const;
  float float_attribute(const std::string& key, float fallback) const;
  std::string string_attribute(const std::string& key, const std::string& fallback) const;
  std::vector<std::int64_t> ints_attribute(const std::string& key, const std::vector<std::int64_t>& fallback) const;
};

struct Graph {
  std::string name;
  int opset = 0;
  std::vector<std::string> inputs;  ///< data inputs (not initializers)
  std::vector<std::string> outputs;
  std::vector<Node> nodes;
  std::map<std::string, Tensor> tensors;

  const Tensor& tensor(const std::string& name) const;
  /// Parameters: elements of all constant tensors.
  std::int64_t parameter_count() const;
  /// Drops constants no node and no output uses (e.g. folded shape arithmetic).
  void remove_unused_constants();
  /// Adds a constant of zeros of `shape` named `name` (weights of graphs built for timing only); returns the name.
  std::string add_zero_constant(const std::string& name, const std::vector<std::int64_t>& shape);
};

}  // namespace imcsim::workloads
