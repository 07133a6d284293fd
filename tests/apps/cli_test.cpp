// Tests of the imcsim command line: runs the built binary (IMCSIM_BINARY) as a user would, with stdout and
// stderr captured in files, and checks exit codes, JSON output and error messages.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string binary() {
  const char* path = std::getenv("IMCSIM_BINARY");
  return path ? path : "";
}

/// Runs `imcsim <args>`; `args` is passed to the shell as written.
RunResult run_imcsim(const std::string& args) {
  // Unique per process: the same test may run concurrently from several build trees.
  const std::string base = ::testing::TempDir() + "imcsim_cli_" + std::to_string(getpid()) + "_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string out_path = base + ".out";
  const std::string err_path = base + ".err";
  const std::string command = "'" + binary() + "' " + args + " >'" + out_path + "' 2>'" + err_path + "'";
  const int status = std::system(command.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(Cli, HelpListsTheSubcommands) {
  const RunResult r = run_imcsim("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* command : {"device", "bench", "demo"})
    EXPECT_TRUE(contains(r.out, command)) << command << "\n" << r.out;
}

TEST_F(Cli, NoSubcommandFails) {
  const RunResult r = run_imcsim("");
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(Cli, DevicePcmPrintsOneJsonObject) {
  const RunResult r = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 20000 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;  // one document, nothing before or after
  ASSERT_TRUE(j.is_object()) << r.out;
  for (const char* key : {"g_target_us", "g_prog_mean_us", "g_prog_std_us", "nu_mean", "nu_std", "g_drift_mean_us",
                          "g_drift_std_us", "read_noise_std_us"}) {
    ASSERT_TRUE(j.contains(key)) << key << " missing in\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  EXPECT_EQ(j["g_target_us"].get<double>(), 12.5);  // 0.5 x g_max = 25 uS
  EXPECT_GT(j["g_prog_std_us"].get<double>(), 0.0);
  EXPECT_GT(j["nu_mean"].get<double>(), 0.0);
  EXPECT_LT(j["g_drift_mean_us"].get<double>(), j["g_prog_mean_us"].get<double>());  // drift lowers G after 1 h
}

TEST_F(Cli, DeviceOutputIsDeterministic) {
  const std::string args = "device --model pcm --g 0.5 --t 3600 --samples 20000 --seed 3";
  const RunResult first = run_imcsim(args);
  const RunResult second = run_imcsim(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(first.out.empty());
  EXPECT_EQ(first.out, second.out);
}

TEST_F(Cli, DeviceSeedChangesTheDraws) {
  const RunResult a = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 2000 --seed 3");
  const RunResult b = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 2000 --seed 4");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(nlohmann::json::parse(a.out)["g_prog_mean_us"], nlohmann::json::parse(b.out)["g_prog_mean_us"]);
}

TEST_F(Cli, DeviceSoftBoundsSymmetryPoint) {
  const RunResult r = run_imcsim("device --model soft-bounds --up-down 0.2 --g 0.5 --samples 1000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;
  for (const char* key : {"dw_up_mean", "dw_down_mean", "symmetry_point"}) {
    ASSERT_TRUE(j.contains(key)) << key << " missing in\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  // w_max = 1, w_min = -1: w* = (a+ - a-) / (a+ / w_max - a- / w_min) = 0.4 dw / (2 dw) = 0.2.
  EXPECT_NEAR(j["symmetry_point"].get<double>(), 0.2, 1e-4);
  // At g = 0.5 (w = 0, below w*) an up step is larger than a down step.
  EXPECT_GT(j["dw_up_mean"].get<double>(), j["dw_down_mean"].get<double>());
}

TEST_F(Cli, UnknownModelFailsNamingTheOption) {
  const RunResult r = run_imcsim("device --model nosuch");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--model")) << r.err;
  EXPECT_TRUE(contains(r.err, "nosuch")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, OutOfRangeConductanceFails) {
  const RunResult r = run_imcsim("device --model pcm --g 1.5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--g")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, UnknownBenchmarkFails) {
  const RunResult r = run_imcsim("bench nosuch");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "nosuch")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
