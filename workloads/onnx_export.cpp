#include "workloads/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <set>

#include "base/output_file.h"
#include "workloads/index_maps.h"

namespace imcsim::workloads {

namespace {

void set_shape(onnx::ValueInfoProto* info, const Tensor& t) {
  info->set_name(t.name);
  auto* type = info->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = type->mutable_shape();
  for (const auto d : t.shape) {
    if (d < 0) {
      shape->add_dim()->set_dim_param("batch");
    } else {
      shape->add_dim()->set_dim_value(d);
    }
  }
}

/// The attribute's ONNX type: as imported, or for attributes built in code, the non-empty list, or the type
/// the operator schemas give the key.
Attribute::Kind kind_of(const std::string& key, const Attribute& a) {
  if (a.kind != Attribute::Kind::unset) return a.kind;
  if (!a.ints.empty()) return Attribute::Kind::integers;
  if (!a.floats.empty()) return Attribute::Kind::reals;
  if (!a.strings.empty()) return Attribute::Kind::texts;
  if (!a.s.empty()) return Attribute::Kind::text;
  static const std::set<std::string> real_keys = {"alpha", "beta", "ratio", "epsilon", "momentum", "clip"};
  return real_keys.count(key) != 0 ? Attribute::Kind::real : Attribute::Kind::integer;
}

void set_attribute(onnx::AttributeProto* attr, const std::string& key, const Attribute& a) {
  attr->set_name(key);
  switch (kind_of(key, a)) {
    case Attribute::Kind::real:
      attr->set_type(onnx::AttributeProto::FLOAT);
      attr->set_f(a.f);
      break;
    case Attribute::Kind::text:
      attr->set_type(onnx::AttributeProto::STRING);
      attr->set_s(a.s);
      break;
    case Attribute::Kind::integers:
      attr->set_type(onnx::AttributeProto::INTS);
      for (const auto v : a.ints) attr->add_ints(v);
      break;
    case Attribute::Kind::reals:
      attr->set_type(onnx::AttributeProto::FLOATS);
      for (const auto v : a.floats) attr->add_floats(v);
      break;
    case Attribute::Kind::texts:
      attr->set_type(onnx::AttributeProto::STRINGS);
      for (const auto& v : a.strings) attr->add_strings(v);
      break;
    default:
      attr->set_type(onnx::AttributeProto::INT);
      attr->set_i(a.i);
  }
}

}  // namespace

std::string export_onnx_bytes(const Graph& graph) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("imcsim");
  model.add_opset_import()->set_version(graph.opset > 0 ? graph.opset : 13);
  onnx::GraphProto& g = *model.mutable_graph();
  g.set_name(graph.name);
  for (const auto& name : graph.inputs) set_shape(g.add_input(), graph.tensor(name));
  for (const auto& [name, t] : graph.tensors) {
    if (!t.constant) continue;
    onnx::TensorProto* init = g.add_initializer();
    init->set_name(name);
    for (const auto d : t.shape) init->add_dims(d);
    if (t.integer) {
      // The unknown batch size of folded shape arithmetic (NaN) is written as -1, "the rest".
      init->set_data_type(onnx::TensorProto::INT64);
      for (const float v : t.data) init->add_int64_data(std::isnan(v) ? -1 : to_index(v));
    } else {
      init->set_data_type(onnx::TensorProto::FLOAT);
      init->set_raw_data(std::string(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float)));
    }
  }
  for (const auto& n : graph.nodes) {
    onnx::NodeProto* node = g.add_node();
    node->set_name(n.name);
    node->set_op_type(n.op);
    for (const auto& i : n.inputs) node->add_input(i);
    for (const auto& o : n.outputs) node->add_output(o);
    for (const auto& [key, a] : n.attributes) set_attribute(node->add_attribute(), key, a);
  }
  for (const auto& name : graph.outputs) set_shape(g.add_output(), graph.tensor(name));
  return model.SerializeAsString();
}

void export_onnx(const Graph& graph, const std::string& path) { write_file_atomically(path, export_onnx_bytes(graph)); }

}  // namespace imcsim::workloads
