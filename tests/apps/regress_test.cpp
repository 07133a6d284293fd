// imcsim regress: a suite of one case (the zoo MLP on hermes64, 200 images, one drift time, as in
// tests/regress/suite.yaml) against a copy of its committed golden, edited per test: unchanged passes, a move
// beyond tolerance fails naming the metric, a move within passes, --update rewrites the golden, a missing golden
// and a malformed suite fail clearly; a shape-only workload case and a trace replay case run.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/apps/cli_run.h"

namespace {

namespace fs = std::filesystem;
using imcsim::test::contains;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

const std::string source_dir = IMCSIM_SOURCE_DIR;
const std::string committed_golden = source_dir + "/tests/regress/golden/mlp-hermes64.json";

const char* const suite_text = R"(golden: golden
tolerances:
  default: {abs: 0, rel: 1.0e-9}
  metrics:
    latency.per_inference_ns: {rel: 0.001}
    "accuracy.analog[*].top1": {abs: 0.01}
cases:
  - name: mlp-hermes64
    chip: hermes64
    model: mlp
    images: 200
    drift_times: [1h]
    seed: 7
)";

class Regress : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
    m_dir = imcsim::test::scratch_path("regress");
    fs::remove_all(m_dir);
    fs::create_directories(m_dir + "/golden");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string write_suite(const std::string& text) {
    std::ofstream(m_dir + "/suite.yaml") << text;
    return m_dir + "/suite.yaml";
  }
  std::string golden() const { return m_dir + "/golden/mlp-hermes64.json"; }
  nlohmann::ordered_json committed() const {
    std::ifstream in(committed_golden);
    return nlohmann::ordered_json::parse(in);
  }
  void write_golden(const nlohmann::ordered_json& j) const { std::ofstream(golden()) << j.dump(2) << "\n"; }
  imcsim::test::RunResult regress(const std::string& extra = "") {
    return run_imcsim("regress '" + write_suite(suite_text) + "'" + extra);
  }

  std::string m_dir;
};

TEST_F(Regress, UnchangedRunPasses) {
  write_golden(committed());
  const auto r = regress();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "mlp-hermes64: pass")) << r.out;
}

TEST_F(Regress, MoveBeyondToleranceFailsNamingTheMetric) {
  auto j = committed();
  j["latency"]["per_inference_ns"] = j["latency"]["per_inference_ns"].get<double>() * 1.01;
  j["accuracy"]["analog"][0]["top1"] = j["accuracy"]["analog"][0]["top1"].get<double>() + 0.05;
  write_golden(j);
  const auto r = regress();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "latency.per_inference_ns")) << r.out;
  EXPECT_TRUE(contains(r.out, "accuracy.analog[0].top1")) << r.out;
  EXPECT_TRUE(contains(r.out, "REGRESSED")) << r.out;
  EXPECT_TRUE(contains(r.out, "mlp-hermes64: REGRESSED")) << r.out;
}

TEST_F(Regress, MoveWithinTolerancePasses) {
  auto j = committed();
  j["latency"]["per_inference_ns"] = j["latency"]["per_inference_ns"].get<double>() * 1.0005;
  j["accuracy"]["analog"][0]["top1"] = j["accuracy"]["analog"][0]["top1"].get<double>() - 0.005;
  write_golden(j);
  const auto r = regress();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "latency.per_inference_ns")) << r.out;
  EXPECT_TRUE(contains(r.out, "within")) << r.out;
  EXPECT_FALSE(contains(r.out, "REGRESSED")) << r.out;
}

TEST_F(Regress, AddedAndMissingKeysFail) {
  auto j = committed();
  j["throughput"].erase("tops");
  j["throughput"]["retired_metric"] = 1.0;
  write_golden(j);
  const auto r = regress();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "throughput.tops")) << r.out;
  EXPECT_TRUE(contains(r.out, "ADDED")) << r.out;
  EXPECT_TRUE(contains(r.out, "throughput.retired_metric")) << r.out;
  EXPECT_TRUE(contains(r.out, "MISSING")) << r.out;
}

TEST_F(Regress, UpdateRewritesTheGoldenSoTheNextRunPasses) {
  auto j = committed();
  j["energy"]["per_inference_uj"] = j["energy"]["per_inference_uj"].get<double>() * 2.0;
  write_golden(j);
  const auto update = regress(" --update");
  EXPECT_EQ(update.exit_code, 0) << update.out << update.err;
  EXPECT_TRUE(contains(update.out, "energy.per_inference_uj")) << update.out;
  EXPECT_EQ(nlohmann::ordered_json::parse(read_file(golden())), committed());
  const auto again = regress();
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(Regress, MissingGoldenFailsAndSaysHowToCreateIt) {
  const auto r = regress();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "NO GOLDEN")) << r.out;
  EXPECT_TRUE(contains(r.out, "--update")) << r.out;
}

TEST_F(Regress, MalformedSuitesFailNamingFileLineAndField) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"cases:\n  - name: a\n    model: mlp\n    imagez: 3\n", "suite.yaml:4:5: 'imagez': unknown key"},
      {"cases:\n  - name: a\n    chip: hermes64\n",
       "suite.yaml:2:5: 'cases[a].model': give a model, a workload or a trace"},
      {"tolerances:\n  default: {abs: -1}\ncases:\n  - {name: a, model: mlp}\n",
       "suite.yaml:2:13: 'tolerances.default.abs': a tolerance must be a finite number >= 0"},
      {"tolerances:\n  metrics:\n    \"latency..x\": {rel: 0.1}\ncases:\n  - {name: a, model: mlp}\n",
       "suite.yaml:3:5: 'tolerances.metrics.latency..x': not a JSON path"},
      {"cases:\n  - name: a\n    model: mlp\n    set: {adc.bitz: 6}\n", "suite.yaml:4:5: 'cases[a].set'"},
      {"cases:\n  - name: a\n    workload: w.yaml\n", "suite.yaml:3:5: 'cases[a].workload': "},
      {"cases:\n  - name: a\n    workload: " + source_dir + "/workloads/shapes/cnn.yaml\n    images: 3\n",
       "suite.yaml:4:5: 'cases[a].images': a workload has no accuracy path"},
      {"cases:\n  - name: a\n    model: mlp\n    workload: w.yaml\n",
       "suite.yaml:4:5: 'cases[a].workload': give one of model, workload and trace"},
      {"cases:\n  - name: a\n    trace: t.trace\n", "suite.yaml:3:5: 'cases[a].trace': no trace file"},
      {"cases:\n  - name: a\n    trace: " + source_dir + "/tests/regress/mlp.trace\n    seed: 3\n",
       "suite.yaml:4:5: 'cases[a].seed': a trace replays timing only"},
      {"goldn: g\ncases:\n  - {name: a, model: mlp}\n", "suite.yaml:1:1: 'goldn': unknown key"},
  };
  for (const auto& c : cases) {
    const auto r = run_imcsim("regress '" + write_suite(c.text) + "'");
    EXPECT_EQ(r.exit_code, 2) << c.text << r.out << r.err;
    EXPECT_TRUE(contains(r.err, c.expected)) << c.text << "\n" << r.err;
  }
}

TEST_F(Regress, WorkloadCaseIsRunAndCompared) {
  const std::string suite = write_suite("cases:\n  - name: cnn-shapes\n    workload: " + source_dir +
                                        "/workloads/shapes/cnn.yaml\n    seed: 7\n");
  const auto update = run_imcsim("regress '" + suite + "' --update");
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  const auto j = nlohmann::ordered_json::parse(read_file(m_dir + "/golden/cnn-shapes.json"));
  EXPECT_TRUE(j.contains("workload_format")) << j.dump(2);
  const auto again = run_imcsim("regress '" + suite + "'");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(Regress, TraceCaseIsReplayedAndCompared) {
  const std::string suite =
      write_suite("cases:\n  - name: replay\n    trace: " + source_dir + "/tests/regress/mlp.trace\n");
  const auto update = run_imcsim("regress '" + suite + "' --update");
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  const auto j = nlohmann::ordered_json::parse(read_file(m_dir + "/golden/replay.json"));
  ASSERT_TRUE(j.contains("trace")) << j.dump(2);
  EXPECT_FALSE(j["trace"].contains("replay_s")) << "a wall time is not a golden value";
  const auto again = run_imcsim("regress '" + suite + "'");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

}  // namespace
