// ONNX import tests with models built here through ONNX's own protobuf classes.

#include "workloads/onnx_import.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "base/errors.h"
#include "base/random.h"
#include "tests/support/thrown.h"
#include "workloads/dataset.h"
#include "workloads/onnx_export.h"
#include "workloads/reference_executor.h"
#include "workloads/shape_inference.h"

#include <unistd.h>
#include <fstream>

namespace imcsim::workloads {
namespace {

using test::thrown_by;

void add_initializer(onnx::GraphProto& g, const std::string& name, const std::vector<std::int64_t>& dims, float value) {
  onnx::TensorProto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  std::int64_t n = 1;
  for (const auto d : dims) {
    t->add_dims(d);
    n *= d;
  }
  for (std::int64_t i = 0; i < n; ++i) t->add_float_data(value);
}

onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& in,
                          const std::string& out, const std::string& name = "") {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? op + "_" + out : name);
  for (const auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

void set_int(onnx::NodeProto* n, const std::string& key, std::int64_t v) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(key);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

/// What torch.onnx.export writes for Flatten -> Linear(784, 16) -> ReLU -> Linear(16, 10) -> Softmax, batch dynamic.
onnx::ModelProto mlp(std::int64_t hidden_in = 784) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("mlp");
  onnx::ValueInfoProto* x = g.add_input();
  x->set_name("x");
  auto* shape = x->mutable_type()->mutable_tensor_type()->mutable_shape();
  x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  shape->add_dim()->set_dim_param("batch");
  for (const int d : {1, 28, 28}) shape->add_dim()->set_dim_value(d);
  add_initializer(g, "w1", {16, hidden_in}, 0.01f);
  add_initializer(g, "b1", {16}, 0.0f);
  add_initializer(g, "w2", {10, 16}, 0.1f);
  add_initializer(g, "b2", {10}, 0.0f);
  set_int(add_node(g, "Flatten", {"x"}, "f"), "axis", 1);
  set_int(add_node(g, "Gemm", {"f", "w1", "b1"}, "h", "fc1"), "transB", 1);
  add_node(g, "Relu", {"h"}, "r");
  set_int(add_node(g, "Gemm", {"r", "w2", "b2"}, "logits", "fc2"), "transB", 1);
  set_int(add_node(g, "Softmax", {"logits"}, "y"), "axis", 1);
  g.add_output()->set_name("y");
  return m;
}

std::string bytes(const onnx::ModelProto& m) { return m.SerializeAsString(); }

TEST(OnnxImport, MlpShapesParametersAndMacs) {
  const Graph g = import_onnx_bytes(bytes(mlp()), "mlp.onnx");
  EXPECT_EQ(g.opset, 13);
  ASSERT_EQ(g.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(g.tensor("x").shape, (std::vector<std::int64_t>{-1, 1, 28, 28}));
  EXPECT_EQ(g.tensor("f").shape, (std::vector<std::int64_t>{-1, 784}));
  EXPECT_EQ(g.tensor("h").shape, (std::vector<std::int64_t>{-1, 16}));
  EXPECT_EQ(g.tensor("y").shape, (std::vector<std::int64_t>{-1, 10}));
  EXPECT_EQ(g.parameter_count(), 784 * 16 + 16 + 16 * 10 + 10);
  std::int64_t macs = 0;
  for (const auto& n : g.nodes) macs += node_macs(g, n);
  EXPECT_EQ(macs, 784 * 16 + 16 * 10);
  EXPECT_EQ(g.nodes.size(), 5u);
}

TEST(OnnxImport, ConstantsAreFolded) {
  onnx::ModelProto m = mlp();
  onnx::NodeProto* c = m.mutable_graph()->add_node();
  c->set_op_type("Constant");
  c->add_output("two");
  onnx::AttributeProto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  a->mutable_t()->add_float_data(2.0f);
  add_node(*m.mutable_graph(), "Mul", {"y", "two"}, "z");
  const Graph g = import_onnx_bytes(bytes(m), "c.onnx");
  EXPECT_TRUE(g.tensor("two").constant);
  EXPECT_EQ(g.tensor("z").shape, (std::vector<std::int64_t>{-1, 10}));
}

TEST(OnnxImport, FileImportRunsOnFashionMnist) {
  // Zero weights and a bias on class 3: the model answers 3 for every image.
  onnx::ModelProto m = mlp();
  onnx::GraphProto& g = *m.mutable_graph();
  for (auto& init : *g.mutable_initializer()) {
    for (auto& v : *init.mutable_float_data()) v = 0.0f;
    if (init.name() == "b2") init.set_float_data(3, 1.0f);
  }
  const std::string path = ::testing::TempDir() + "imcsim_always3_" + std::to_string(getpid()) + ".onnx";
  std::ofstream(path, std::ios::binary) << m.SerializeAsString();
  const ReferenceExecutor exec(import_onnx(path));
  const Dataset d = load_fashion_mnist("test", 1000);
  const double threes = static_cast<double>(std::count(d.labels.begin(), d.labels.end(), 3)) / d.size();
  EXPECT_DOUBLE_EQ(top1(exec.run(d.samples, 2), d.labels), threes);
}

TEST(OnnxExport, RoundTripGivesIdenticalOutputs) {
  // Random weights, so that every layer matters; import -> export -> import on 100 test images.
  onnx::ModelProto m = mlp();
  std::uint32_t id = 0;
  for (auto& init : *m.mutable_graph()->mutable_initializer()) {
    std::vector<float> v(static_cast<std::size_t>(init.float_data_size()));
    RandomStream({5, RandomPurpose::test_input, id++, 0}).normal(v.data(), v.size());
    for (int i = 0; i < init.float_data_size(); ++i) init.set_float_data(i, 0.05f * v[static_cast<std::size_t>(i)]);
  }
  const Graph first = import_onnx_bytes(bytes(m), "mlp.onnx");
  const Graph second = import_onnx_bytes(export_onnx_bytes(first), "exported.onnx");
  const Dataset d = load_fashion_mnist("test", 100);
  const hw::BatchMatrix a = ReferenceExecutor(first).run(d.samples);
  const hw::BatchMatrix b = ReferenceExecutor(second).run(d.samples);
  EXPECT_EQ(a, b);
  EXPECT_EQ(second.parameter_count(), first.parameter_count());
  EXPECT_EQ(second.tensor("x").shape, first.tensor("x").shape);
  EXPECT_GT((a.rowwise().maxCoeff().array() - a.rowwise().minCoeff().array()).maxCoeff(), 0.0f);
}

TEST(OnnxImportErrors, TruncatedOrNotOnnx) {
  const std::string whole = bytes(mlp());
  EXPECT_EQ(thrown_by([&] { import_onnx_bytes(whole.substr(0, whole.size() / 2), "cut.onnx"); }).key(), "model");
  EXPECT_EQ(thrown_by([&] { import_onnx_bytes("this is a text file, not a model", "text.onnx"); }).key(), "model");
  EXPECT_EQ(thrown_by([&] { import_onnx("/nonexistent/model.onnx"); }).file(), "/nonexistent/model.onnx");
}

TEST(OnnxImportErrors, UnsupportedOperatorNamesTheNode) {
  onnx::ModelProto m = mlp();
  add_node(*m.mutable_graph(), "Cos", {"y"}, "z", "weird");
  const InputError e = thrown_by([&] { import_onnx_bytes(bytes(m), "cos.onnx"); });
  EXPECT_EQ(e.file(), "cos.onnx");
  EXPECT_EQ(e.key(), "node 'weird' (Cos)");
  EXPECT_NE(std::string(e.what()).find("unsupported operator 'Cos'"), std::string::npos) << e.what();
}

TEST(OnnxImportErrors, UnsupportedAttributeNamesIt) {
  onnx::ModelProto m = mlp();
  set_int(m.mutable_graph()->mutable_node(1), "broadcast", 1);  // an opset-6 attribute of Gemm
  const InputError e = thrown_by([&] { import_onnx_bytes(bytes(m), "attr.onnx"); });
  EXPECT_EQ(e.key(), "node 'fc1' (Gemm) attribute 'broadcast'");
}

TEST(OnnxImportErrors, ShapeMismatchNamesTheNode) {
  const InputError e = thrown_by([] { import_onnx_bytes(bytes(mlp(700)), "shape.onnx"); });
  EXPECT_EQ(e.key(), "node 'fc1' (Gemm)");
  EXPECT_NE(std::string(e.what()).find("inner dimensions differ"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace imcsim::workloads
