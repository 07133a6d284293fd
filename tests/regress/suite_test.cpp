// regress/suite.h read directly: the project's suite (its first case the strict golden of the zoo MLP), a case's
// own tolerances and ignore list, and errors naming file, line and key; regress/run_suite.h with a stand-in for
// the imcsim binary: compared, missing goldens and failed runs, and the goldens it writes.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/text.h"
#include "regress/report_diff.h"
#include "regress/run_job.h"
#include "regress/run_suite.h"
#include "regress/suite.h"
#include "tests/support/fake_imcsim.h"
#include "tests/support/thrown.h"

namespace {

namespace fs = std::filesystem;
using imcsim::regress::load_suite;
using Json = nlohmann::ordered_json;

const std::string source_dir = IMCSIM_SOURCE_DIR;

class SuiteFile : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = (fs::temp_directory_path() / ("imcsim_suite_test_" + std::to_string(getpid()))).string();
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string write(const std::string& text) const {
    std::ofstream(m_dir + "/suite.yaml") << text;
    return m_dir + "/suite.yaml";
  }
  std::string m_dir;
};

Json committed_golden() {
  std::ifstream in(source_dir + "/tests/regress/golden/mlp-hermes64.json");
  return Json::parse(in);
}

TEST(ProjectSuite, TheZooMlpCaseIsStrict) {
  const auto suite = load_suite(source_dir + "/tests/regress/suite.yaml");
  ASSERT_EQ(suite.cases.at(0).name, "mlp-hermes64");
  const auto& rules = suite.cases[0].rules;
  const Json golden = committed_golden();

  Json timing = golden;
  const double ns = timing["latency"]["per_inference_ns"].get<double>();
  timing["latency"]["per_inference_ns"] = ns * (1 + 1e-12);
  EXPECT_TRUE(diff_reports(golden, timing, rules).regressed()) << "a timing figure (_ns) must be exact";

  Json energy = golden;
  const double uj = energy["energy"]["per_inference_uj"].get<double>();
  energy["energy"]["per_inference_uj"] = uj * (1 + 1e-10);
  EXPECT_FALSE(diff_reports(golden, energy, rules).regressed()) << "other floats move by up to 1e-9";
  energy["energy"]["per_inference_uj"] = uj * (1 + 1e-8);
  EXPECT_TRUE(diff_reports(golden, energy, rules).regressed()) << "other floats move by at most 1e-9";

  Json paths = golden;
  paths["model_file"] = "/elsewhere/mlp.onnx";
  paths["config"] = "name: elsewhere\n";
  EXPECT_FALSE(diff_reports(golden, paths, rules).regressed()) << "checkout paths are not compared";

  const auto& loose = suite.cases.at(1).rules;
  energy["energy"]["per_inference_uj"] = uj * (1 + 1e-4);
  EXPECT_FALSE(diff_reports(golden, energy, loose).regressed()) << "the other cases keep the suite's tolerances";
}

TEST_F(SuiteFile, ACaseReplacesTheSuitesTolerancesAndIgnoreList) {
  const auto suite = load_suite(
      write("tolerances:\n  default: {rel: 0.5}\n  metrics:\n    latency: {rel: 0.1}\nignore: [model]\ncases:\n"
            "  - {name: a, model: mlp}\n"
            "  - name: b\n    model: mlp\n    tolerances:\n      metrics:\n        energy: {abs: 1}\n"
            "    ignore: [mapping]\n"));
  ASSERT_EQ(suite.cases.size(), 2u);
  const auto& a = suite.cases[0].rules;
  EXPECT_EQ(a.default_tolerance.rel, 0.5);
  ASSERT_EQ(a.tolerances.size(), 1u);
  EXPECT_EQ(a.ignore, std::vector<std::string>{"model"});
  const auto& b = suite.cases[1].rules;
  EXPECT_EQ(b.default_tolerance.rel, imcsim::regress::DiffRules{}.default_tolerance.rel);
  ASSERT_EQ(b.tolerances.size(), 1u);
  EXPECT_EQ(b.tolerances[0].pattern, "energy");
  EXPECT_EQ(b.ignore, std::vector<std::string>{"mapping"});
  EXPECT_EQ(suite.golden_path(suite.cases[1]), m_dir + "/golden/b.json");
}

TEST_F(SuiteFile, ErrorsNameTheFileLineAndKey) {
  const std::string path = write(
      "cases:\n  - name: a\n    model: mlp\n    tolerances:\n      metrics:\n"
      "        \"x..y\": {rel: 1}\n");
  const auto e = imcsim::test::thrown_by([&] { load_suite(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 6);
  EXPECT_EQ(e.key(), "cases[a].tolerances.metrics.x..y");

  const std::string unknown = write("cases:\n  - name: a\n    model: mlp\n    imagez: 3\n");
  const auto u = imcsim::test::thrown_by([&] { load_suite(unknown); });
  EXPECT_EQ(u.line(), 4);
  EXPECT_EQ(u.key(), "imagez");
}

TEST_F(SuiteFile, ACalibrationFileIsReadRelativeToTheSuiteAndPassedToTheRun) {
  std::ofstream(m_dir + "/ranges.yaml")
      << "imcsim_range_calibration: 1\nmodel: mlp\nchip: hermes64\nlayers:\n  - name: fc1\n    tiles:\n"
         "      - {row_tile: 0, col_tile: 0, rows: 256, cols: 256, input_range: 2}\n";
  const auto suite = load_suite(write("cases:\n  - {name: a, model: mlp, calibration: ranges.yaml}\n"));
  EXPECT_EQ(suite.cases.at(0).calibration, m_dir + "/ranges.yaml");
  const std::vector<std::string> args = imcsim::regress::run_job_arguments(suite.cases[0], "out", 1);
  const auto at = std::find(args.begin(), args.end(), "--calibration");
  ASSERT_NE(at, args.end());
  EXPECT_EQ(*(at + 1), m_dir + "/ranges.yaml");

  std::ofstream(m_dir + "/bad.yaml") << "imcsim_range_calibration: 3\n";
  const auto bad = imcsim::test::thrown_by(
      [&] { load_suite(write("cases:\n  - name: a\n    model: mlp\n    calibration: bad.yaml\n")); });
  EXPECT_EQ(bad.line(), 4);
  EXPECT_EQ(bad.key(), "cases[a].calibration");
  EXPECT_NE(std::string(bad.what()).find("bad.yaml"), std::string::npos) << bad.what();
  const auto workload = imcsim::test::thrown_by([&] {
    load_suite(write("cases:\n  - name: a\n    workload: " + source_dir +
                     "/workloads/shapes/cnn.yaml\n    calibration: ranges.yaml\n"));
  });
  EXPECT_EQ(workload.key(), "cases[a].calibration");
}

TEST_F(SuiteFile, RunSuiteComparesEachCaseAndWritesGoldens) {
  const std::string executable = imcsim::test::write_fake_imcsim(m_dir + "/imcsim");
  const auto suite =
      load_suite(write("cases:\n  - {name: same, model: mlp}\n  - {name: moved, model: mlp}\n"
                       "  - {name: new, model: mlp}\n  - {name: fails, model: mlp}\n"));
  fs::create_directories(m_dir + "/golden");
  Json golden = Json::parse(imcsim::test::fake_report_json());
  golden.erase("model_file");
  std::ofstream(m_dir + "/golden/same.json") << golden.dump(2);
  golden["mapping"]["cores_used"] = 8;
  std::ofstream(m_dir + "/golden/moved.json") << golden.dump(2);

  std::vector<std::size_t> started;
  const auto results =
      imcsim::regress::run_suite(suite, {executable, 2, 1}, [&](std::size_t k) { started.push_back(k); });
  ASSERT_EQ(results.size(), 4u);
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<std::size_t>{0, 1, 2, 3}));
  using imcsim::regress::CaseStatus;
  EXPECT_EQ(results[0].status, CaseStatus::compared);
  EXPECT_FALSE(imcsim::regress::fails(results[0]));
  EXPECT_EQ(results[1].status, CaseStatus::compared);
  ASSERT_EQ(results[1].diff.changes.size(), 1u);
  EXPECT_EQ(results[1].diff.changes[0].path, "mapping.cores_used");
  EXPECT_TRUE(imcsim::regress::fails(results[1]));
  EXPECT_EQ(results[2].status, CaseStatus::no_golden);
  EXPECT_EQ(results[3].status, CaseStatus::failed_to_run);
  EXPECT_NE(results[3].error.find("it failed"), std::string::npos) << results[3].error;

  EXPECT_THROW(imcsim::regress::write_goldens(suite, results), imcsim::Error) << "a case failed to run";
  EXPECT_FALSE(fs::exists(m_dir + "/golden/new.json"));
  const auto ok = load_suite(write("cases:\n  - {name: new, model: mlp}\n"));
  imcsim::regress::write_goldens(ok, imcsim::regress::run_suite(ok, {executable, 1, 1}, [](std::size_t) {}));
  const Json written = Json::parse(imcsim::read_file_text(m_dir + "/golden/new.json"));
  EXPECT_FALSE(written.contains("model_file")) << "ignored paths are not stored";
  EXPECT_EQ(written["mapping"]["cores_used"], 7);
}

}  // namespace
