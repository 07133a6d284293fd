#include "workloads/onnx_export.h"

#include <onnx/onnx_pb.h>


#include "base/output_file.h"

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
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (const auto d : t.shape) init->add_dims(d);
    init->set_raw_data(std::string(reinterpret_cast<const char*>(t.data.data()), t.data.size() * sizeof(float)));
  }
  for (const auto& n : graph.nodes) {
    onnx::NodeProto* node = g.add_node();
    node->set_name(n.name);
    node->set_op_type(n.op);
    for (const auto& i : n.inputs) node->add_input(i);
    for (const auto& o : n.outputs) node->add_output(o);
    for (const auto& [key, a] : n.attributes) {
      onnx::AttributeProto* attr = node->add_attribute();
      attr->set_name(key);
      // The IR keeps all fields; the operator's schema decides which one a key uses.
      const bool is_float = key == "alpha" || key == "beta" || key == "ratio";
      attr->set_type(is_float ? onnx::AttributeProto::FLOAT : onnx::AttributeProto::INT);
      if (is_float) attr->set_f(a.f); else attr->set_i(a.i);
    }
  }
  for (const auto& name : graph.outputs) set_shape(g.add_output(), graph.tensor(name));
  return model.SerializeAsString();
}

void export_onnx(const Graph& graph, const std::string& path) { write_file_atomically(path, export_onnx_bytes(graph)); }

}  // namespace imcsim::workloads
