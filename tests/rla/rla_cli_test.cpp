// `imcsim rla` (docs/rla.md) as a user runs it: small experiments on Fashion-MNIST write their JSON, CSV and HTML,
// give the same numbers for any thread count, and bad input is one clear error (exit 2) with nothing written.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "tests/apps/cli_run.h"
#include "tests/support/npy_file.h"

namespace imcsim {
namespace {

using test::contains;
using test::npy;
using test::raw;
using test::read_file;
using test::run_imcsim;
using test::scratch_path;

class RlaCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test::binary().empty()) << "IMCSIM_BINARY is not set"; }
};

nlohmann::json results_of(const std::string& dir, const std::string& name) {
  nlohmann::json j = nlohmann::json::parse(read_file(dir + "/" + name + ".json"));
  j.erase("wall_time_s");
  return j;
}

TEST_F(RlaCli, SvdWritesItsTablesAndOmegaOnTheArraysTracksDigitalRsvd) {
  const std::string out = scratch_path("rla_svd");
  const test::RunResult r = run_imcsim("rla svd --rows 600 --rank 5,20 --power 0,1 --seeds 1,2 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"rla-svd.json", "rla-svd-errors.csv", "rla-svd-cost.csv", "rla-svd.html"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  EXPECT_TRUE(contains(read_file(out + "/rla-svd.html"), "<svg"));
  EXPECT_TRUE(contains(read_file(out + "/rla-svd-errors.csv"), "variant,rank,power_iterations,error_mean"));
  const nlohmann::json j = results_of(out, "rla-svd");
  int checked = 0;
  for (const auto& row : j["results"]) {
    if (row["variant"] == "exact") continue;
    EXPECT_EQ(row["errors"].size(), 2u);
    const double e = row["error_mean"].get<double>();
    EXPECT_GT(e, 0.1);
    EXPECT_LT(e, 0.7);
    if (row["variant"] == "omega") {
      EXPECT_LT(std::abs(row["relative_to_digital"][0].get<double>()), 0.02) << row.dump();
      ++checked;
    }
    // Every analog variant has its chip cost, programming counted apart, and a digital baseline.
    if (row["variant"] != "digital") {
      EXPECT_GT(row["cost"]["reads"]["time_ns"].get<double>(), 0.0);
      EXPECT_GT(row["cost"]["programming"]["energy_uj"].get<double>(), 0.0);
      EXPECT_GT(row["cost"]["reads"]["energy_breakdown_uj"]["adc"].get<double>(), 0.0);
      EXPECT_GT(row["baseline"]["digital"]["macs"].get<double>(), 0.0);
    }
  }
  EXPECT_EQ(checked, 4);
  std::filesystem::remove_all(out);
}

TEST_F(RlaCli, TheNumbersDoNotDependOnTheThreadCount) {
  const std::string one = scratch_path("rla_threads1"), two = scratch_path("rla_threads2");
  const std::string args = "rla svd --rows 300 --rank 5 --power 1 --seeds 3 --variants omega,a --block-rows 256 ";
  ASSERT_EQ(run_imcsim(args + "--threads 1 --out " + one).exit_code, 0);
  ASSERT_EQ(run_imcsim(args + "--threads 2 --out " + two).exit_code, 0);
  EXPECT_EQ(results_of(one, "rla-svd"), results_of(two, "rla-svd"));
  std::filesystem::remove_all(one);
  std::filesystem::remove_all(two);
}

TEST_F(RlaCli, PcaAndLeastSquaresScoreTheirClassifiersOnTheTestSet) {
  const std::string out = scratch_path("rla_pca");
  test::RunResult r = run_imcsim(
      "rla pca --rows 1000 --test-rows 500 --rank 10 --power 1 --seeds 1 --variants exact,omega --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json pca = results_of(out, "rla-pca");
  ASSERT_EQ(pca["tables"][0]["name"], "accuracy");
  for (const auto& row : pca["tables"][0]["rows"]) {
    EXPECT_GT(row[2].get<double>(), 0.5) << row.dump();  // nearest centroid
    EXPECT_GT(row[5].get<double>(), 0.5) << row.dump();  // linear
  }
  r = run_imcsim(
      "rla lstsq --rows 3000 --test-rows 300 --sketch-rows 2000 --sketch count --refine 0,6 --seeds 1 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json ls = results_of(out, "rla-lstsq");
  ASSERT_EQ(ls["tables"][0]["rows"].size(), 4u);  // digital and arrays, 0 and 6 steps
  for (const auto& row : ls["tables"][0]["rows"]) {
    const double excess = row[4].get<double>();
    EXPECT_GT(excess, 0.0) << row.dump();
    if (row[3] == 6) EXPECT_LT(excess, 0.05) << row.dump();
    if (row[3] == 0) EXPECT_GT(excess, 0.05) << row.dump();
  }
  std::filesystem::remove_all(out);
}

TEST_F(RlaCli, BadInputIsOneClearErrorAndWritesNothing) {
  const std::string dir = scratch_path("rla_bad");
  std::filesystem::create_directories(dir);
  std::vector<float> pixels(40 * 6, 0.5f);
  pixels[7] = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::int32_t> labels(40, 1);
  std::ofstream(dir + "/x.npy", std::ios::binary) << npy("<f4", "40, 6", raw(pixels));
  std::ofstream(dir + "/y.npy", std::ios::binary) << npy("<i4", "40,", raw(labels));
  std::ofstream(dir + "/nan.yaml") << "images: x.npy\nlabels: y.npy\npreprocess:\n  scale: 1\n";
  test::expect_refused_without_output({{"rla svd --rows 600 --rank 700", "rla.rank"},
                                       {"rla svd --rows 600 --rank 10 --oversampling 600", "rla.oversampling"},
                                       {"rla svd --dataset " + dir + "/missing.yaml", "missing.yaml"},
                                       {"rla svd --dataset " + dir + "/nan.yaml --rank 2", "sample 1, feature 1"},
                                       {"rla svd --variants digital,foo", "--variants"},
                                       {"rla svd --drift-time soon", "--drift-time"},
                                       {"rla svd --digital-pj-per-mac -1", "rla.digital_pj_per_mac"},
                                       {"rla svd --rows 600 --block-rows 5000", "rla.block_rows"},
                                       {"rla lstsq --rows 1200 --sketch-rows 100", "rla.sketch_rows"},
                                       {"rla lstsq --rows 1200 --sketch-rows 900 --refine 101", "rla.refine"},
                                       {"rla pca --rows 600 --rank 0", "rla.rank"}},
                                      dir + "/out");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imcsim
