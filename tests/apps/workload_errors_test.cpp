// Bad workload input on the command line: a truncated ONNX file, a file that is not ONNX, an unsupported
// operator, a shape mismatch, a missing and a corrupt data set. Each must end the run with a non-zero exit and
// one error line naming the file and the node or field, and print no result.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <string>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::contains;
using imcsim::test::run_imcsim;
using imcsim::test::RunResult;

/// x [N, 1, 28, 28] -> Flatten -> Gemm(W [10, inputs], transB) -> y, plus an optional extra node after it; with
/// `self_product` the Gemm multiplies the flattened input by itself instead (no constant weights).
std::string model_bytes(int inputs, const std::string& extra_op = "", bool self_product = false) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("errors");
  auto* x = g.add_input();
  x->set_name("x");
  auto* type = x->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  type->mutable_shape()->add_dim()->set_dim_param("batch");
  for (const int d : {1, 28, 28}) type->mutable_shape()->add_dim()->set_dim_value(d);
  onnx::TensorProto* w = g.add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(10);
  w->add_dims(inputs);
  for (int i = 0; i < 10 * inputs; ++i) w->add_float_data(0.01f * static_cast<float>(i % 7));
  onnx::NodeProto* flatten = g.add_node();
  flatten->set_name("flatten");
  flatten->set_op_type("Flatten");
  flatten->add_input("x");
  flatten->add_output("f");
  onnx::NodeProto* gemm = g.add_node();
  gemm->set_name("classifier");
  gemm->set_op_type("Gemm");
  gemm->add_input("f");
  gemm->add_input(self_product ? "f" : "w");
  gemm->add_output("y");
  auto* trans = gemm->add_attribute();
  trans->set_name("transB");
  trans->set_type(onnx::AttributeProto::INT);
  trans->set_i(1);
  std::string out = "y";
  if (!extra_op.empty()) {
    onnx::NodeProto* n = g.add_node();
    n->set_name("odd_one");
    n->set_op_type(extra_op);
    n->add_input("y");
    n->add_output("z");
    out = "z";
  }
  g.add_output()->set_name(out);
  return m.SerializeAsString();
}

class WorkloadErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
    m_dir = imcsim::test::scratch_path("workload_errors") + "_";
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string path = m_dir + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  /// The run failed with exactly one line on stderr containing every part, and printed nothing on stdout.
  static void expect_one_error_line(const RunResult& r, const std::vector<std::string>& parts) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.out.empty()) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    for (const auto& part : parts) EXPECT_TRUE(contains(r.err, part)) << "'" << part << "' missing in: " << r.err;
  }
  std::string m_dir;
};

TEST_F(WorkloadErrors, TruncatedOnnxFile) {
  const std::string whole = model_bytes(784);
  const std::string path = write("cut.onnx", whole.substr(0, whole.size() / 3));
  expect_one_error_line(run_imcsim("eval --model '" + path + "' --images 10"), {path, "model", "truncated"});
}

TEST_F(WorkloadErrors, FileThatIsNotOnnx) {
  const std::string path = write("notes.onnx", "layer sizes: 784 256 10\n");
  expect_one_error_line(run_imcsim("eval --model '" + path + "' --images 10"), {path, "not an ONNX model"});
  expect_one_error_line(run_imcsim("model show '" + path + "'"), {path, "not an ONNX model"});
}

TEST_F(WorkloadErrors, UnsupportedOperatorNamesNodeAndOp) {
  const std::string path = write("cos.onnx", model_bytes(784, "Cos"));
  expect_one_error_line(run_imcsim("eval --model '" + path + "' --images 10"), {path, "odd_one", "Cos", "unsupported"});
}

TEST_F(WorkloadErrors, ShapeMismatchNamesTheNode) {
  const std::string path = write("mismatch.onnx", model_bytes(100));
  expect_one_error_line(run_imcsim("model show '" + path + "'"), {path, "classifier", "inner dimensions differ"});
  expect_one_error_line(run_imcsim("eval --model '" + path + "'"), {path, "classifier"});
}

TEST_F(WorkloadErrors, MissingDatasetFile) {
  const std::string model = write("ok.onnx", model_bytes(784));
  const std::string data = m_dir + "nowhere.yaml";
  expect_one_error_line(run_imcsim("eval --model '" + model + "' --dataset '" + data + "'"), {data});
}

TEST_F(WorkloadErrors, CorruptDatasetFileNamesTheField) {
  const std::string model = write("ok.onnx", model_bytes(784));
  // An IDX image file announcing 5 images of 28 x 28 bytes but holding 100 bytes.
  std::string idx = {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28};
  idx += std::string(100, '\x7f');
  const std::string images = write("images.idx", idx);
  std::string labels = {0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5};
  write("labels.idx", labels);
  const std::string data = write("data.yaml", "images: " + m_dir.substr(m_dir.rfind('/') + 1) + "images.idx\nlabels: " +
                                                  m_dir.substr(m_dir.rfind('/') + 1) + "labels.idx\n");
  expect_one_error_line(run_imcsim("eval --model '" + model + "' --dataset '" + data + "'"), {images});
}

TEST_F(WorkloadErrors, RunWithAModelTooLargeForTheChip) {
  // The zoo MLP needs 6 cores of 256 x 256; a 2 x 2 chip has 4.
  const RunResult r = run_imcsim(
      "run --model mlp --images 10 --drift-times 1h --set cores.count=4 --set interconnect.grid_x=2 "
      "--set interconnect.grid_y=2");
  expect_one_error_line(r, {"model", "needs 6 cores", "the chip has 4"});
}

TEST_F(WorkloadErrors, RunWithAProductTheChipCannotHold) {
  const std::string path = write("self.onnx", model_bytes(784, "", true));
  expect_one_error_line(run_imcsim("run --model '" + path + "' --images 10 --drift-times 1h"),
                        {"classifier", "Gemm", "weights must be constants"});
}

TEST_F(WorkloadErrors, RunWithADataSetOfAnotherShape) {
  const std::string model = write("ok.onnx", model_bytes(784));
  // IDX images of 5 x 4 x 4 bytes: 16 values per sample where the model takes 784.
  std::string idx = {0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 4};
  idx += std::string(80, '\x10');
  write("small.idx", idx);
  write("small_labels.idx", std::string{0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5});
  const std::string base = m_dir.substr(m_dir.rfind('/') + 1);
  const std::string data = write("small.yaml", "images: " + base + "small.idx\nlabels: " + base + "small_labels.idx\n");
  expect_one_error_line(run_imcsim("run --model '" + model + "' --dataset '" + data + "' --drift-times 1h"),
                        {model, "input 'x'", "784 values per sample", "has 16"});
}

}  // namespace
