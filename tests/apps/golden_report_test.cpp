// Golden test of report.json: the main job on a small model (the zoo's MLP), 200 test images, one drift time,
// seed 7, against the committed tests/golden/run_mlp_report.json. Integers, strings and every timing
// figure (keys ending in _ns) must be exact; other floats within 1e-9 relative (accuracies are counts over 200
// images, so they are exact too). `model_file` and `config` hold paths of this checkout and are not compared.
// To accept an intended change: IMCSIM_UPDATE_GOLDEN=1 ctest -R GoldenReport, then review the diff.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

const std::string source_dir = IMCSIM_SOURCE_DIR;
const std::string golden_path = source_dir + "/tests/golden/run_mlp_report.json";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void compare(const nlohmann::json& expected, const nlohmann::json& actual, const std::string& path) {
  ASSERT_EQ(expected.type(), actual.type()) << path;
  if (expected.is_object()) {
    ASSERT_EQ(expected.size(), actual.size()) << path << ": keys differ";
    for (const auto& [key, value] : expected.items()) {
      if (key == "model_file" || key == "config") continue;
      ASSERT_TRUE(actual.contains(key)) << path << "." << key << " is missing";
      compare(value, actual[key], path + "." + key);
    }
  } else if (expected.is_array()) {
    ASSERT_EQ(expected.size(), actual.size()) << path;
    for (std::size_t i = 0; i < expected.size(); ++i)
      compare(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
  } else if (expected.is_number_float()) {
    const double e = expected.get<double>(), a = actual.get<double>();
    if (ends_with(path, "_ns")) {
      EXPECT_EQ(e, a) << path;
    } else {
      EXPECT_LE(std::abs(e - a), 1e-9 * std::max(1.0, std::abs(e))) << path << ": " << e << " vs " << a;
    }
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

TEST(GoldenReport, RunOfTheZooMlpMatchesTheCommittedReport) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const std::string out = ::testing::TempDir() + "imcsim_golden_" + std::to_string(getpid());
  const imcsim::test::RunResult r =
      run_imcsim("run --model mlp --images 200 --drift-times 1h --seed 7 --threads 2 --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string report = read_file(out + "/report.json");
  if (std::getenv("IMCSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path) << report;
    GTEST_SKIP() << "wrote " << golden_path;
  }
  const nlohmann::json actual = nlohmann::json::parse(report);
  std::ifstream in(golden_path);
  ASSERT_TRUE(in.good()) << golden_path;
  compare(nlohmann::json::parse(in), actual, "report");
}

}  // namespace
