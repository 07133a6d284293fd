#pragma once
// The graph IR: a typed graph of tensors and operators, what every importer produces and every back end
// (reference executor, compiler) consumes. Plain C++, no ONNX or SystemC types.
//
// Contract: tensor names are unique; every node input is a graph input, an initializer or the output of an
// earlier node (nodes are in topological order); shapes use -1 for a dynamic (batch) dimension.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace imcsim::workloads {

struct Attribute {
  std::int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<std::int64_t> ints;
  std::vector<float> floats;
};

struct Tensor {
  std::string name;
  std::vector<std::int64_t> shape;  ///< -1: dynamic
  std::vector<float> data;          ///< initializers only, C order
  bool constant = false;            ///< an initializer (weights, biases, folded constants)
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
};

struct Graph {
  std::string name;
  int opset = 0;
  std::vector<std::string> inputs;   ///< data inputs (not initializers)
  std::vector<std::string> outputs;
  std::vector<Node> nodes;
  std::map<std::string, Tensor> tensors;

  const Tensor& tensor(const std::string& name) const;
  /// Parameters: elements of all constant tensors.
  std::int64_t parameter_count() const;
};

/// Operators the IR understands, in the order of the documentation.
const std::vector<std::string>& supported_ops();

}  // namespace imcsim::workloads
