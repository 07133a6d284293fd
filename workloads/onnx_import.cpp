#include "workloads/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "base/errors.h"
#include "workloads/batch_norm_folding.h"
#include "workloads/constant_folding.h"
#include "workloads/operators/operator.h"
#include "workloads/shape_inference.h"
#include "workloads/tensor_file.h"

namespace imcsim::workloads {

namespace {

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
      throw InputError(file, 0, 0, where,
                       "tensor '" + t.name() + "' holds " + std::to_string(raw.size()) + " bytes for " +
                           std::to_string(n) + " elements");
    }
    for (std::int64_t i = 0; i < n; ++i) out.data[static_cast<std::size_t>(i)] = convert(raw.data() + i * size);
  };
  out.integer = t.data_type() == onnx::TensorProto::INT64;
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (!raw.empty()) {
        from_raw(4, [](const char* p) {
          float v;
          std::memcpy(&v, p, 4);
          return v;
        });
      } else {
        if (t.float_data_size() != n)
          throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
        std::copy(t.float_data().begin(), t.float_data().end(), out.data.begin());
      }
      break;
    case onnx::TensorProto::DOUBLE:
      if (!raw.empty()) {
        from_raw(8, [](const char* p) {
          double v;
          std::memcpy(&v, p, 8);
          return static_cast<float>(v);
        });
      } else {
        if (t.double_data_size() != n)
          throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
        std::transform(t.double_data().begin(), t.double_data().end(), out.data.begin(),
                       [](double v) { return static_cast<float>(v); });
      }
      break;
    case onnx::TensorProto::INT64:
      if (!raw.empty()) {
        from_raw(8, [](const char* p) {
          std::int64_t v;
          std::memcpy(&v, p, 8);
          return static_cast<float>(v);
        });
      } else {
        if (t.int64_data_size() != n)
          throw InputError(file, 0, 0, where, "tensor '" + t.name() + "': element count mismatch");
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
  switch (a.type()) {
    case onnx::AttributeProto::INT:
      out.kind = Attribute::Kind::integer;
      break;
    case onnx::AttributeProto::FLOAT:
      out.kind = Attribute::Kind::real;
      break;
    case onnx::AttributeProto::STRING:
      out.kind = Attribute::Kind::text;
      break;
    case onnx::AttributeProto::INTS:
      out.kind = Attribute::Kind::integers;
      break;
    case onnx::AttributeProto::FLOATS:
      out.kind = Attribute::Kind::reals;
      break;
    case onnx::AttributeProto::STRINGS:
      out.kind = Attribute::Kind::texts;
      break;
    default:
      break;
  }
  out.i = a.i();
  out.f = a.f();
  out.s = a.s();
  out.ints.assign(a.ints().begin(), a.ints().end());
  out.floats.assign(a.floats().begin(), a.floats().end());
  out.strings.assign(a.strings().begin(), a.strings().end());
  return out;
}

/// ConstantOfShape, folded. A dimension that is the batch size (NaN in folded shape arithmetic, as in the zero
/// initial states torch exports for an LSTM) becomes 1: the constant then broadcasts over any batch.
void fold_constant_of_shape(Graph& graph, const onnx::NodeProto& n, const std::string& file, const std::string& where) {
  if (n.input_size() != 1 || n.output_size() != 1 || graph.tensors.count(n.input(0)) == 0 ||
      !graph.tensors.at(n.input(0)).constant) {
    throw InputError(file, 0, 0, where, "needs one constant shape input");
  }
  float value = 0.0f;
  bool integer = false;
  for (const auto& a : n.attribute()) {
    if (a.name() != "value")
      throw InputError(file, 0, 0, where + " attribute '" + a.name() + "'", "unsupported attribute");
    const Tensor v = tensor_from_proto(a.t(), file, where);
    if (v.data.size() != 1) throw InputError(file, 0, 0, where + " attribute 'value'", "must hold one element");
    value = v.data[0];
    integer = v.integer;
  }
  Tensor t;
  t.name = n.output(0);
  t.constant = true;
  for (const float d : graph.tensors.at(n.input(0)).data) {
    if (!std::isnan(d) && d < 0) throw InputError(file, 0, 0, where, "negative dimension in the shape");
    t.shape.push_back(std::isnan(d) ? 1 : static_cast<std::int64_t>(d));
  }
  t.data.assign(static_cast<std::size_t>(t.elements()), value);
  t.integer = integer;
  graph.tensors[t.name] = t;
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
    for (const auto& d : in.type().tensor_type().shape().dim())
      t.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    t.batch_axis = t.shape.empty() ? -1 : 0;
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
    if (n.op_type() == "ConstantOfShape") {
      fold_constant_of_shape(graph, n, file, where);
      continue;
    }
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      throw InputError(file, 0, 0, where, "operator domain '" + n.domain() + "' is not supported");
    }
    const operators::Operator* op = operators::find_operator(n.op_type());
    if (op == nullptr) throw InputError(file, 0, 0, where, "unsupported operator '" + n.op_type() + "'");
    Node node;
    node.name = n.name().empty() ? n.op_type() + "_" + std::to_string(index - 1) : n.name();
    node.op = n.op_type();
    for (const auto& a : n.attribute()) {
      if (op->attributes.count(a.name()) == 0) {
        throw InputError(file, 0, 0, where + " attribute '" + a.name() + "'", "unsupported attribute");
      }
      node.attributes[a.name()] = attribute_from_proto(a);
    }
    for (const auto& i : n.input()) {
      // An omitted optional input keeps its place (an empty name); trailing ones are dropped.
      if (!i.empty() && graph.tensors.count(i) == 0) {
        throw InputError(file, 0, 0, where, "input '" + i + "' is not defined before");
      }
      node.inputs.push_back(i);
    }
    while (!node.inputs.empty() && node.inputs.back().empty()) node.inputs.pop_back();
    node.outputs.assign(n.output().begin(), n.output().end());
    if (op->check_import) op->check_import(operators::NodeContext{graph, node, file, where});
    infer_shapes(graph, node, file, where);
    if (fold(graph, node, file, where)) continue;
    if (op->on_import) op->on_import(graph, node);
    graph.nodes.push_back(std::move(node));
  }
  for (const auto& out : g.output()) {
    if (graph.tensors.count(out.name()) == 0) {
      throw InputError(file, 0, 0, "output '" + out.name() + "'", "no node produces it");
    }
    graph.outputs.push_back(out.name());
  }
  fold_batch_normalization(graph);
  graph.remove_unused_constants();
  return graph;
}

Graph import_onnx(const std::string& path) { return import_onnx_bytes(read_file_bytes(path), path); }

}  // namespace imcsim::workloads
