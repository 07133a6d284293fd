// Shape-only workloads on the command line (docs/workloads.md): the example SCALE-Sim CNN and transformer block run
// and report positive latency and energy per inference; the zoo cnn by shape alone times exactly as the zoo model
// with --timing-only; malformed files end the run with one error naming the file, the line and the field, and leave
// no output files (not even the --out directory).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::contains;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;
using imcsim::test::RunResult;

class ShapeWorkloads : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
    m_dir = imcsim::test::scratch_path("shape_workloads");
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  static std::string example(const std::string& name) {
    return std::string(IMCSIM_SOURCE_DIR) + "/workloads/shapes/" + name;
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = m_dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  /// `imcsim run <args> --out DIR`, which must succeed; its report.json.
  nlohmann::json run_report(const std::string& args, const std::string& out) const {
    const RunResult r = run_imcsim("run " + args + " --out '" + m_dir + "/" + out + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(read_file(m_dir + "/" + out + "/report.json"));
  }
  /// The run of `file` failed with one error line naming the file and every part, with no output files.
  void expect_error(const std::string& file, const std::vector<std::string>& parts) const {
    const std::string out = m_dir + "/out";
    const RunResult r = run_imcsim("run --workload '" + file + "' --out '" + out + "'");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(contains(r.err, file)) << r.err;
    for (const auto& part : parts) EXPECT_TRUE(contains(r.err, part)) << "'" << part << "' not in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }

  std::string m_dir;
};

void expect_timed(const nlohmann::json& r) {
  EXPECT_GT(r["latency"]["per_inference_ns"].get<double>(), 0);
  EXPECT_GT(r["energy"]["per_inference_uj"].get<double>(), 0);
  EXPECT_EQ(r["accuracy"]["absent"], "shape-only workload: no weights");
}

TEST_F(ShapeWorkloads, ScaleSimCnnRuns) {
  const nlohmann::json r = run_report("--workload '" + example("lenet_scalesim.csv") + "'", "lenet");
  expect_timed(r);
  EXPECT_EQ(r["workload_format"], "scale-sim");
  EXPECT_EQ(r["mapping"]["layers"].size(), 5u);
  EXPECT_TRUE(std::filesystem::exists(m_dir + "/lenet/report.html"));
  EXPECT_TRUE(std::filesystem::exists(m_dir + "/lenet/layers.csv"));
}

TEST_F(ShapeWorkloads, TransformerBlockRuns) {
  const nlohmann::json r = run_report("--workload '" + example("transformer_block.yaml") + "'", "block");
  expect_timed(r);
  EXPECT_EQ(r["mapping"]["layers"].size(), 6u);  // q, k, v, o, ffn1, ffn2
  ASSERT_EQ(r["unsimulated"].size(), 2u);        // the attention products
  EXPECT_EQ(r["unsimulated"][0]["macs_per_inference"].get<std::int64_t>(), 128 * 128 * 512);
}

TEST_F(ShapeWorkloads, ZooCnnByShapeTimesAsTheModel) {
  const nlohmann::json model = run_report("--model cnn --timing-only", "model");
  const nlohmann::json yaml = run_report("--workload '" + example("cnn.yaml") + "'", "yaml");
  const nlohmann::json csv = run_report("--workload '" + example("cnn.csv") + "'", "csv");
  EXPECT_TRUE(model["accuracy"].contains("absent"));
  for (const auto* r : {&yaml, &csv}) {
    EXPECT_EQ((*r)["latency"]["per_inference_ns"], model["latency"]["per_inference_ns"]);
    EXPECT_EQ((*r)["energy"]["per_inference_uj"], model["energy"]["per_inference_uj"]);
    EXPECT_EQ((*r)["throughput"]["interval_ns"], model["throughput"]["interval_ns"]);
  }
}

TEST_F(ShapeWorkloads, NeuroSimNetworkRuns) {
  const nlohmann::json r = run_report("--workload '" + example("vgg_neurosim.csv") + "'", "vgg");
  expect_timed(r);
  EXPECT_EQ(r["workload_format"], "neurosim");
}

TEST_F(ShapeWorkloads, MalformedFilesNameTheField) {
  const std::string scale_header =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  expect_error(write("no_strides.csv",
                     "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,\n"
                     "Conv1, 32, 32, 5, 5, 1, 6,\n"),
               {":1:", "'Strides'", "missing column"});
  expect_error(write("text.csv", scale_header + "Conv1, 32, wide, 5, 5, 1, 6, 1,\n"),
               {":2:", "'IFMAP Width'", "not a whole number"});
  expect_error(write("zero.yaml", "layers:\n  - {kind: conv, h: 28, w: 28, c: 1, kernel: 5, filters: 0}\n"),
               {":2:", "'filters'", "at least 1"});
  expect_error(write("negative.csv", "name,kind,inputs,outputs\nfc,dense,-5,10\n"), {":2:", "'inputs'", "at least 1"});
  expect_error(write("kind.yaml", "layers:\n  - {kind: pooling, h: 28}\n"), {":2:", "'kind'", "pooling"});
  expect_error(write("key.yaml", "layers:\n  - {kind: dense, inputs: 8, outputs: 4, dilation: 2}\n"),
               {":2:", "'dilation'", "unknown key"});
  expect_error(write("top.yaml", "layer:\n  - {kind: dense, inputs: 8, outputs: 4}\n"),
               {":1:", "'layer'", "unknown key"});
  expect_error(write("neurosim.csv", "32,32,3,3,3\n"), {":1:", "'filters'", "missing column"});
  expect_error(write("chain.yaml",
                     "layers:\n  - {kind: dense, inputs: 8, outputs: 4}\n"
                     "  - {kind: dense, inputs: 5, outputs: 2}\n"),
               {":3:", "'inputs'", "previous layer gives 4"});
  expect_error(write("block.yaml", "transformer:\n  sequence: 128\n  d_model: 512\n"),
               {"'transformer.d_ff'", "missing"});
}

}  // namespace
