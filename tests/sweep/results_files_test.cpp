#include "sweep/results_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "base/errors.h"
#include "sweep/pareto.h"
#include "sweep_tables.h"

namespace imcsim::sweep {
namespace {

using testing::ok_row;
using testing::two_objectives;
using Json = nlohmann::ordered_json;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) out.push_back(line);
  return out;
}

/// A fresh directory for one test, removed afterwards.
class SweepResultsDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = std::filesystem::temp_directory_path() /
            ("imcsim_sweep_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::filesystem::path m_dir;
};

TEST(ResultsCsv, ColumnsRowsAndQuoting) {
  SweepTable t = two_objectives();
  std::reverse(t.rows.begin(), t.rows.end());  // the file is sorted by point whatever the row order
  const auto rows = lines(results_csv(t, pareto_front(t)));
  ASSERT_EQ(rows.size(), 1u + 8u + 1u);  // header, 8 points, the failed point's error spans two lines
  EXPECT_EQ(rows[0], "adc.bits,mode,energy_uj,latency_ns,accuracy_1d,point,status,pareto,error");
  EXPECT_EQ(rows[1], "4,\"a,b\",1.0,300.0,0.8,0,ok,1,");
  EXPECT_EQ(rows[2], "6,plain,2.0,200.0,0.9,1,ok,1,");
  EXPECT_EQ(rows[3], "8,plain,3.0,100.0,0.9,2,ok,0,");
  EXPECT_EQ(rows[4], "8,plain,2.0,250.0,0.9,3,ok,1,");
  EXPECT_EQ(rows[5], "10,plain,4.0,90.0,0.95,4,ok,1,");
  EXPECT_EQ(rows[6], "10,plain,1.5,80.0,,5,ok,0,");
  EXPECT_EQ(rows[7], "12,plain,,,,6,failed,0,\"adc.bits: 12 > 10, \"\"too many\"\"");
  EXPECT_EQ(rows[8], "second line\"");
  EXPECT_EQ(rows[9], "12,plain,5.0,70.0,0.94,8,ok,0,");
}

TEST(ResultsCsv, NumbersAreShortestRoundTripAndNonFiniteIsEmpty) {
  SweepTable t;
  t.metrics = {"a", "b", "c", "d", "e"};
  t.total_points = 1;
  t.rows = {ok_row(0, {}, {0.1 + 0.2, 1e-7, 123456789012.0, -2.5e300, std::nan("")})};
  const auto rows = lines(results_csv(t, {}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], "0.30000000000000004,1e-07,123456789012.0,-2.5e+300,,0,ok,0,");
  EXPECT_EQ(std::strtod("0.30000000000000004", nullptr), 0.1 + 0.2);
}

TEST(ResultsJson, StructureAndValueTypes) {
  SweepTable t = two_objectives();
  t.parameters.push_back("flag");
  const std::vector<std::string> flags = {"true", "false", "1e3", "0.50", "0.5", "-3", " 4", "x"};
  for (std::size_t i = 0; i < t.rows.size(); ++i) t.rows[i].parameters.push_back(flags[i]);
  const Json j = results_json(t, pareto_front(t));
  EXPECT_EQ(j["name"], "adc-sweep");
  EXPECT_EQ(j["parameters"], Json({"adc.bits", "mode", "flag"}));
  EXPECT_EQ(j["objectives"].dump(),
            R"([{"metric":"energy_uj","sense":"minimise"},{"metric":"accuracy_1d","sense":"maximise"}])");
  EXPECT_EQ(j["total_points"], 9);
  EXPECT_EQ(j["points_done"], 8);
  EXPECT_EQ(j["points_failed"], 1);
  EXPECT_EQ(j["pareto_front"], Json({0, 1, 3, 4}));
  ASSERT_EQ(j["points"].size(), 8u);
  const Json& p0 = j["points"][0];
  EXPECT_EQ(p0.dump(), R"({"point":0,"parameters":{"adc.bits":4,"mode":"a,b","flag":true},"status":"ok",)"
                       R"("metrics":{"energy_uj":1.0,"latency_ns":300.0,"accuracy_1d":0.8},"pareto":true})");
  std::vector<std::string> flag_json;
  for (const auto& p : j["points"]) flag_json.push_back(p["parameters"]["flag"].dump());
  EXPECT_EQ(flag_json,
            (std::vector<std::string>{"true", "false", "\"1e3\"", "\"0.50\"", "0.5", "-3", "\" 4\"", "\"x\""}));
  EXPECT_EQ(j["points"][5]["metrics"]["accuracy_1d"], nullptr);
  EXPECT_FALSE(j["points"][5].contains("error"));
  EXPECT_EQ(j["points"][6]["status"], "failed");
  EXPECT_EQ(j["points"][6]["error"], "adc.bits: 12 > 10, \"too many\"\nsecond line");
  EXPECT_EQ(j["points"][6]["pareto"], false);
  EXPECT_EQ(j["points"][7]["point"], 8);
}

TEST_F(SweepResultsDir, WritesThreeFilesAndReadsThemBack) {
  SweepTable t = two_objectives();
  t.parameters.push_back("flag");
  const std::vector<std::string> flags = {"true", "false", "1e3", "0.50", "0.5", "-3", " 4", "x"};
  for (std::size_t i = 0; i < t.rows.size(); ++i) t.rows[i].parameters.push_back(flags[i]);
  write_sweep_files(m_dir.string(), t);
  for (const char* f : {"results.csv", "results.json", "sweep.html"})
    EXPECT_TRUE(std::filesystem::exists(m_dir / f)) << f;
  const std::string json = read(m_dir / "results.json");
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(json, results_json(t, pareto_front(t)).dump(2) + "\n");

  const SweepTable back = read_results_json((m_dir / "results.json").string());
  EXPECT_EQ(back.name, t.name);
  EXPECT_EQ(back.parameters, t.parameters);
  EXPECT_EQ(back.metrics, t.metrics);
  ASSERT_EQ(back.objectives.size(), 2u);
  EXPECT_EQ(back.objectives[1].metric, "accuracy_1d");
  EXPECT_EQ(back.objectives[1].sense, Sense::maximise);
  EXPECT_EQ(back.total_points, 9);
  ASSERT_EQ(back.rows.size(), t.rows.size());
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    EXPECT_EQ(back.rows[i].point, t.rows[i].point);
    EXPECT_EQ(back.rows[i].parameters, t.rows[i].parameters) << "point " << t.rows[i].point;
    EXPECT_EQ(back.rows[i].status, t.rows[i].status);
    EXPECT_EQ(back.rows[i].error, t.rows[i].error);
    EXPECT_EQ(back.rows[i].metrics, t.rows[i].metrics) << "point " << t.rows[i].point;
  }
  // A merge that reads the file back writes the same bytes.
  const std::filesystem::path again = m_dir / "again";
  write_sweep_files(again.string(), back);
  for (const char* f : {"results.csv", "results.json", "sweep.html"}) EXPECT_EQ(read(again / f), read(m_dir / f)) << f;
}

TEST_F(SweepResultsDir, SameTableInAnotherOrderGivesTheSameBytes) {
  SweepTable t = two_objectives();
  write_sweep_files((m_dir / "a").string(), t);
  std::rotate(t.rows.begin(), t.rows.begin() + 3, t.rows.end());
  write_sweep_files((m_dir / "b").string(), t);
  for (const char* f : {"results.csv", "results.json", "sweep.html"})
    EXPECT_EQ(read(m_dir / "a" / f), read(m_dir / "b" / f)) << f;
}

/// Writes `edit`ed results.json of two_objectives() and returns the key of the InputError reading it ("" if none).
std::string error_key(const std::filesystem::path& dir, const std::function<void(Json&)>& edit) {
  const SweepTable t = two_objectives();
  Json j = results_json(t, pareto_front(t));
  edit(j);
  std::filesystem::create_directories(dir);
  const auto path = dir / "results.json";
  std::ofstream(path) << j.dump(2);
  try {
    read_results_json(path.string());
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_NE(std::string(e.what()).find(e.key()), std::string::npos) << e.what();
    return e.key();
  }
  return "";
}

TEST_F(SweepResultsDir, ReaderNamesTheWrongKey) {
  EXPECT_EQ(error_key(m_dir, [](Json&) {}), "");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][3]["metrics"].erase("latency_ns"); }),
            "points[3].metrics.latency_ns");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][3]["metrics"]["energy_uj"] = "2"; }),
            "points[3].metrics.energy_uj");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][1]["metrics"]["power_mw"] = 1; }), "points[1].metrics.power_mw");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][0]["parameters"].erase("mode"); }), "points[0].parameters.mode");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][2]["status"] = "done"; }), "points[2].status");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][6].erase("error"); }), "points[6].error");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][4]["point"] = 1; }), "points[4].point");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["points"][4]["point"] = 9; }), "points[4].point");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["objectives"][1]["sense"] = "max"; }), "objectives[1].sense");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["objectives"][0]["metric"] = "power_mw"; }), "objectives[0].metric");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j.erase("total_points"); }), "total_points");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["comment"] = "x"; }), "comment");
  EXPECT_EQ(error_key(m_dir, [](Json& j) { j["metrics"][2] = "energy_uj"; }), "metrics[2]");
}

TEST_F(SweepResultsDir, ReaderRejectsMissingAndMalformedFiles) {
  EXPECT_THROW(read_results_json((m_dir / "none.json").string()), InputError);
  std::filesystem::create_directories(m_dir);
  std::ofstream(m_dir / "bad.json") << "{\"name\": ";
  EXPECT_THROW(read_results_json((m_dir / "bad.json").string()), InputError);
}

}  // namespace
}  // namespace imcsim::sweep
