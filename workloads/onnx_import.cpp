#include "workloads/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "base/errors.h"
#include "workloads/shape_inference.h"
#include "workloads/tensor_file.h"

namespace imcsim::workloads {

namespace {

/// The attributes each operator may carry (others are rejected by name).
const std::map<std::string, std::set<std::string>>& allowed_attributes() {
  static const std::map<std::string, std::set<std::string>> allowed = {
      {"Gemm", {"alpha", "beta", "transA", "transB"}},
      {"MatMul", {}},
      {"Add", {}},
      {"Sub", {}},
      {"Mul", {}},
      {"Div", {}},
      {"Relu", {}},
      {"LeakyRelu", {"alpha"}},
      {"Sigmoid", {}},
      {"Tanh", {}},
      {"Softmax", {"axis"}},
      {"Flatten", {"axis"}},
      {"Identity", {}},
      {"Dropout", {"seed", "ratio"}},
      {"Conv", {"kernel_shape", "pads", "strides", "dilations", "group"}},
      {"MaxPool", {"kernel_shape", "pads", "strides", "ceil_mode"}},
      {"AveragePool", {"kernel_shape", "pads", "strides", "ceil_mode", "count_include_pad"}},
      {"GlobalAveragePool", {}},
      {"BatchNormalization", {"epsilon", "momentum"}},
  };
  return allowed;
}

std::string node_label(const onnx::NodeProto& n, int index) {
  return "node '" + (n.name().empty() ? "#" + std::to_string(index) : n.name()) + "' (" + n.op_type() + ")";
}

Tensor tensor_from_proto(const onnx::TensorProto& t, const std::string& file, const std::string& where) {
  Tensor out;
  out.name = t.name();
  out.constant = true;
  for (const auto d : t.dims()) out.shape.push_back(d);
  const std::int64_t n = out.elements();
  out.data.resize(static_cast<std::size_t>(n));
  const std::string& raw = t.raw_data();
  const auto from_raw = [&](std::size_t size, auto convert) {
    if (raw.size() != static_cast<std::size_t>(n) * size) {
      throw InputError(file, 0, 0, where, "tensor '" + t.name() + "' holds " + std::to_string(raw.size()) +
                                              " bytes for " + std::to_string(n) + " elements");
    }
    for (std::int64_t i = 0; i < n; ++i) out.data[static_cast<std::size_t>(i)] = convert(raw.data() + i * size);
  };
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (!raw.empty()) {
        from_raw(4, [](const char* p) { float v; std::memcpy(&v, p, 4); return v; });
      } else {
        if (t.float_data_size() != n) throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
        std::copy(t.float_data().begin(), t.float_data().end(), out.data.begin());
      }
      break;
    case onnx::TensorProto::DOUBLE:
      if (!raw.empty()) {
        from_raw(8, [](const char* p) { double v; std::memcpy(&v, p, 8); return static_cast<float>(v); });
      } else {
        if (t.double_data_size() != n) throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
        std::transform(t.double_data().begin(), t.double_data().end(), out.data.begin(),
                       [](double v) { return static_cast<float>(v); });
      }
      break;
    case onnx::TensorProto::INT64:
      if (!raw.empty()) {
        from_raw(8, [](const char* p) { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<float>(v); });
      } else {
        if (t.int64_data_size() != n) throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
        std::transform(t.int64_data().begin(), t.int64_data().end(), out.data.begin(),
                       [](std::int64_t v) { return static_cast<float>(v); });
      }
      break;
    default:
      throw InputError(file, 0, 0, where,
                       "tensor '" + t.name() + "' has element type " + std::to_string(t.data_type()) +
                           " (supported: float, double, int64)");
  }
  return out;
}

Attribute attribute_from_proto(const onnx::AttributeProto& a) {
  Attribute out;
  out.i = a.i();
  out.f = a.f();
  out.s = a.s();
  out.ints.assign(a.ints().begin(), a.ints().end());
  out.floats.assign(a.floats().begin(), a.floats().end());
  return out;
}

}  // namespace

Graph import_onnx_bytes(const std::string& bytes, const std::string& file) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph()) {
    throw InputError(file, 0, 0, "model", "not an ONNX model, or the file is truncated");
  }
  const onnx::GraphProto& g = model.graph();
  Graph graph;
  graph.name = g.name();
  for (const auto& op : model.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") graph.opset = static_cast<int>(op.version());
  }
  for (const auto& init : g.initializer()) graph.tensors[init.name()] = tensor_from_proto(init, file, "initializer");
  for (const auto& in : g.input()) {
    if (graph.tensors.count(in.name()) != 0) continue;  // an initializer listed as input (older exporters)
    Tensor t;
    t.name = in.name();
    if (!in.type().has_tensor_type()) throw InputError(file, 0, 0, "input '" + in.name() + "'", "not a tensor input");
    for (const auto& d : in.type().tensor_type().shape().dim()) t.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    graph.inputs.push_back(t.name);
    graph.tensors[t.name] = t;
  }
  int index = 0;
  for (const auto& n : g.node()) {
    const std::string where = node_label(n, index++);
    if (n.op_type() == "Constant") {
      // Constants are folded into initializers at import.
      if (n.output_size() != 1 || n.attribute_size() != 1 || n.attribute(0).name() != "value") {
        throw InputError(file, 0, 0, where, "only Constant nodes with a 'value' tensor are supported");
      }
      Tensor t = tensor_from_proto(n.attribute(0).t(), file, where);
      t.name = n.output(0);
      graph.tensors[t.name] = t;
      continue;
    }
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      throw InputError(file, 0, 0, where, "operator domain '" + n.domain() + "' is not supported");
    }
    const auto allowed = allowed_attributes().find(n.op_type());
    if (allowed == allowed_attributes().end()) {
      throw InputError(file, 0, 0, where, "unsupported operator '" + n.op_type() + "'");
    }
    Node node;
    node.name = n.name().empty() ? n.op_type() + "_" + std::to_string(index - 1) : n.name();
    node.op = n.op_type();
    for (const auto& a : n.attribute()) {
      if (allowed->second.count(a.name()) == 0) {
        throw InputError(file, 0, 0, where + " attribute '" + a.name() + "'", "unsupported attribute");
      }
      node.attributes[a.name()] = attribute_from_proto(a);
    }
    for (const auto& i : n.input()) {
      if (i.empty()) continue;  // an omitted optional input
      if (graph.tensors.count(i) == 0) throw InputError(file, 0, 0, where, "input '" + i + "' is not defined before");
      node.inputs.push_back(i);
    }
    node.outputs.assign(n.output().begin(), n.output().end());
    infer_shapes(graph, node, file, where);
    graph.nodes.push_back(std::move(node));
  }
  for (const auto& out : g.output()) {
    if (graph.tensors.count(out.name()) == 0) {
      throw InputError(file, 0, 0, "output '" + out.name() + "'", "no node produces it");
    }
    graph.outputs.push_back(out.name());
  }
  return graph;
}

Graph import_onnx(const std::string& path) { return import_onnx_bytes(read_file_bytes(path), path); }

}  // namespace imcsim::workloads
