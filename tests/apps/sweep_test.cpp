// imcsim sweep (docs/sweep.md) as a user runs it: configs/sweeps/smoke.yaml locally with two jobs, under mpirun
// with two ranks and as two merged shards (identical results files), resumed after a SIGKILL, with a changed
// sweep file, with a point that fails, and with malformed sweep files. In a build without MPI
// (IMCSIM_WITH_MPI=OFF) the mpirun run is left out and a sweep under mpirun must fail saying so.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_run.h"

namespace imcsim::test {
namespace {

namespace fs = std::filesystem;

const std::string smoke = std::string(IMCSIM_SOURCE_DIR) + "/configs/sweeps/smoke.yaml";
constexpr bool with_mpi = IMCSIM_TEST_WITH_MPI;

std::string fresh_dir(const std::string& purpose) {
  const std::string dir = scratch_path(purpose);
  fs::remove_all(dir);
  return dir;
}

int count_lines(const std::string& text) {
  int n = 0;
  for (const char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

/// The point indices of a journal's lines after the header.
std::map<int, int> journal_points(const std::string& path) {
  std::istringstream in(read_file(path));
  std::map<int, int> seen;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) ++seen[nlohmann::json::parse(line).at("point").get<int>()];
  return seen;
}

TEST(Sweep, JobsMpiRanksAndMergedShardsGiveIdenticalResults) {
  const std::string local = fresh_dir("sweep_local");
  const RunResult a = run_imcsim("sweep " + smoke + " --out " + local + " --jobs 2");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(contains(a.out, "8 of 8 points done, 0 failed")) << a.out;
  const std::string csv = read_file(local + "/results.csv");
  EXPECT_EQ(count_lines(csv), 9) << csv;
  EXPECT_EQ(csv.substr(0, csv.find(',')), "adc.bits");

  const std::string mpi = fresh_dir("sweep_mpi");
  const std::string command = "mpirun -np 2 --allow-run-as-root --oversubscribe '" + binary() + "' sweep " + smoke +
                              " --out " + mpi + " --threads 1 >" + mpi + ".log 2>&1";
  if (with_mpi) {
    ASSERT_EQ(std::system(command.c_str()), 0) << read_file(mpi + ".log");
  }

  const std::string shard1 = fresh_dir("sweep_shard1"), shard2 = fresh_dir("sweep_shard2");
  const std::string merged = fresh_dir("sweep_merged");
  ASSERT_EQ(run_imcsim("sweep " + smoke + " --out " + shard1 + " --shard 1/2").exit_code, 0);
  ASSERT_EQ(run_imcsim("sweep " + smoke + " --out " + shard2 + " --shard 2/2").exit_code, 0);
  EXPECT_EQ(count_lines(read_file(shard1 + "/results.csv")), 5);
  const RunResult m = run_imcsim("sweep merge --out " + merged + " " + shard1 + " " + shard2);
  ASSERT_EQ(m.exit_code, 0) << m.err;

  for (const char* file : {"results.csv", "results.json", "sweep.html"}) {
    const std::string expected = read_file(local + "/" + file);
    ASSERT_FALSE(expected.empty()) << file;
    if (with_mpi) {
      EXPECT_EQ(read_file(mpi + "/" + file), expected) << "mpirun: " << file;
    }
    EXPECT_EQ(read_file(merged + "/" + file), expected) << "merged shards: " << file;
  }
}

TEST(Sweep, UnderMpirunWithoutMpiItFailsSayingSo) {
  if (with_mpi) {
    GTEST_SKIP() << "this imcsim has MPI";
  }
  const std::string out = fresh_dir("sweep_no_mpi");
  setenv("OMPI_COMM_WORLD_SIZE", "2", 1);  // what mpirun sets in each rank's environment
  const RunResult r = run_imcsim("sweep " + smoke + " --out " + out);
  unsetenv("OMPI_COMM_WORLD_SIZE");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "built without MPI")) << r.err;
  EXPECT_FALSE(fs::exists(out + "/journal.jsonl"));
}

TEST(Sweep, ReusedAccuracyIsWhatTheFullRunComputes) {
  const std::string out = fresh_dir("sweep_reuse");
  ASSERT_EQ(run_imcsim("sweep " + smoke + " --out " + out + " --jobs 2").exit_code, 0);
  const nlohmann::json results = nlohmann::json::parse(read_file(out + "/results.json"));
  // Point 1 differs from point 0 only in the link width: it ran timing only and took point 0's accuracy.
  const nlohmann::json point = results.at("points").at(1);
  ASSERT_EQ(point.at("parameters").at("interconnect.link_width_bits"), 8);
  const nlohmann::json report = nlohmann::json::parse(read_file(out + "/points/0001/report.json"));
  EXPECT_TRUE(report.at("accuracy").contains("absent"));

  const std::string full = fresh_dir("sweep_reuse_full");
  const RunResult r = run_imcsim(
      "run --model mlp --images 200 --drift-times 1h,1d --seed 7 --set compiler.inferences=4 --set adc.bits=6 "
      "--set cores.read_mode=one_phase --set interconnect.link_width_bits=8 --no-timeline --out " +
      full);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json direct = nlohmann::json::parse(read_file(full + "/report.json"));
  EXPECT_EQ(point.at("metrics").at("accuracy_1h"), direct.at("accuracy").at("analog").at(0).at("top1"));
  EXPECT_EQ(point.at("metrics").at("accuracy_1d"), direct.at("accuracy").at("analog").at(1).at("top1"));
  EXPECT_EQ(point.at("metrics").at("energy_uj"), direct.at("energy").at("per_inference_uj"));
  EXPECT_FALSE(fs::exists(full + "/timeline.json"));
}

TEST(Sweep, ResumesAfterSigkillWithoutLosingOrRepeatingPoints) {
  const std::string reference = fresh_dir("sweep_uninterrupted");
  ASSERT_EQ(run_imcsim("sweep " + smoke + " --out " + reference + " --jobs 1").exit_code, 0);

  const std::string out = fresh_dir("sweep_killed");
  std::vector<std::string> args{binary(), "sweep", smoke, "--out", out, "--jobs", "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  // Kill it once three points are journalled (header + 3 lines), while the fourth runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_lines(read_file(out + "/journal.jsonl")) < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const int journalled = static_cast<int>(journal_points(out + "/journal.jsonl").size());
  ASSERT_GE(journalled, 3);
  ASSERT_LT(journalled, 8);
  EXPECT_FALSE(fs::exists(out + "/results.csv"));

  const RunResult resumed = run_imcsim("sweep " + smoke + " --out " + out + " --jobs 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(contains(resumed.err, "resuming " + out + ": " + std::to_string(journalled) + " of 8 points"))
      << resumed.err;
  for (const auto& [point, times] : journal_points(out + "/journal.jsonl")) EXPECT_EQ(times, 1) << "point " << point;
  EXPECT_EQ(journal_points(out + "/journal.jsonl").size(), 8u);
  EXPECT_EQ(read_file(out + "/results.csv"), read_file(reference + "/results.csv"));
  EXPECT_EQ(read_file(out + "/results.json"), read_file(reference + "/results.json"));
}

TEST(Sweep, AChangedSweepFileIsRefusedUnlessAsked) {
  const std::string out = fresh_dir("sweep_changed");
  const std::string original = out + "-sweep.yaml";
  std::string text = read_file(smoke);
  text.replace(text.find("model: mlp"), 10, "model: " + std::string(IMCSIM_SOURCE_DIR) + "/workloads/models/mlp.onnx");
  { std::ofstream(original) << text; }
  ASSERT_EQ(run_imcsim("sweep " + original + " --out " + out + " --jobs 2").exit_code, 0);
  std::string changed = text;
  changed.replace(changed.find("[4, 8]"), 6, "[4, 16]");
  { std::ofstream(original) << changed; }
  const RunResult refused = run_imcsim("sweep " + original + " --out " + out);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(contains(refused.err, "different version of the sweep file")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--allow-changed")) << refused.err;

  const RunResult kept = run_imcsim("sweep " + original + " --out " + out + " --allow-changed --jobs 2");
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  // The points with link width 4 (0, 2, 4, 6) are unchanged and kept; the other four run again.
  EXPECT_TRUE(contains(kept.err, "resuming " + out + ": 4 of 8 points already done")) << kept.err;
  const nlohmann::json results = nlohmann::json::parse(read_file(out + "/results.json"));
  EXPECT_EQ(results.at("points").at(1).at("parameters").at("interconnect.link_width_bits"), 16);
}

TEST(Sweep, AFailedPointIsRecordedWithItsReasonAndTheSweepGoesOn) {
  const std::string dir = fresh_dir("sweep_failing");
  fs::create_directories(dir);
  {
    std::ofstream(dir + "/fit.yaml") << "base:\n  model: mlp\n  timing_only: true\nsampling: list\npoints:\n"
                                        "  - {cores.count: 64, interconnect.grid_x: 8, interconnect.grid_y: 8}\n"
                                        "  - {cores.count: 2, interconnect.grid_x: 2, interconnect.grid_y: 1}\n"
                                        "objectives:\n  - minimise: energy_uj\n";
  }
  const RunResult r = run_imcsim("sweep " + dir + "/fit.yaml --out " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "2 of 2 points done, 1 failed")) << r.out;
  const std::string csv = read_file(dir + "/out/results.csv");
  EXPECT_TRUE(contains(csv, "failed")) << csv;
  EXPECT_TRUE(contains(csv, "needs 6 cores")) << csv;
}

TEST(Sweep, MalformedSweepFilesFailNamingFileLineAndKey) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases{
      {"base: {model: mlp}\nparameters:\n  adc.bits: [6, 99]\n", "bad.yaml:3:17: 'parameters.adc.bits'"},
      {"base: {model: mlp}\nparameterz: {}\n", "bad.yaml:2:1: 'parameterz': unknown key"},
      {"base: {model: mlp}\nparameters:\n  adc.bits: {min: 4, max: 8}\n",
       "bad.yaml:3:3: 'parameters.adc.bits': grid sampling needs a list of values"},
      {"base: {model: mlp}\nsampling: lhs\nparameters:\n  adc.bits: [6, 8]\n", "'samples': lhs sampling needs"},
      {"base: {model: mlp}\nparameters:\n  adc.bits: [6, 8]\nobjectives:\n  - minimise: energy\n",
       "bad.yaml:5:15: 'objectives.minimise': no metric 'energy'"},
      {"base: {model: nosuchmodel}\nparameters:\n  adc.bits: [6]\n", "'base.model'"},
      {"base: {model: mlp}\nparameters:\n  adc.bits: [6\n", "bad.yaml:4:1"},
  };
  for (const auto& c : cases) {
    const std::string dir = fresh_dir("sweep_bad");
    fs::create_directories(dir);
    { std::ofstream(dir + "/bad.yaml") << c.text; }
    const RunResult r = run_imcsim("sweep " + dir + "/bad.yaml --out " + dir + "/out");
    EXPECT_EQ(r.exit_code, 2) << c.text;
    EXPECT_TRUE(contains(r.err, c.expected)) << "expected '" << c.expected << "' in: " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/out")) << c.text;
  }
}

TEST(Sweep, ATraceIsReplayedAtEveryPoint) {
  const std::string dir = fresh_dir("sweep_trace");
  fs::create_directories(dir);
  {
    std::ofstream(dir + "/links.yaml") << "base:\n  trace: " << IMCSIM_SOURCE_DIR
                                       << "/tests/regress/mlp.trace\nparameters:\n"
                                          "  interconnect.link_width_bits: [4, 8, 16]\n";
  }
  const RunResult r = run_imcsim("sweep " + dir + "/links.yaml --out " + dir + "/out --jobs 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json results = nlohmann::json::parse(read_file(dir + "/out/results.json"));
  ASSERT_EQ(results.at("points").size(), 3u);
  // No accuracy path: the default objectives are energy and latency only.
  EXPECT_EQ(results.at("objectives").size(), 2u);
  std::vector<double> latency;
  for (const auto& p : results.at("points")) latency.push_back(p.at("metrics").at("latency_ns").get<double>());
  EXPECT_GT(latency[0], latency[1]);  // the MLP's transfers are network-bound at 4 bits
  EXPECT_GE(latency[1], latency[2]);
  EXPECT_TRUE(contains(read_file(dir + "/out/points/0000/report.json"), "\"trace\""));
}

TEST(Sweep, LatinHypercubePointsAreSeededAndCoverEveryStratum) {
  const std::string dir = fresh_dir("sweep_lhs");
  fs::create_directories(dir);
  {
    std::ofstream(dir + "/lhs.yaml")
        << "base:\n  workload: " << IMCSIM_SOURCE_DIR
        << "/workloads/shapes/cnn.yaml\nsampling: lhs\nsamples: 4\nseed: 3\n"
           "parameters:\n  interconnect.link_width_bits: {min: 4, max: 36, integer: true}\n"
           "  digital.clock_mhz: {min: 100, max: 800, log: true}\n";
  }
  const RunResult a = run_imcsim("sweep " + dir + "/lhs.yaml --out " + dir + "/a --jobs 2");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const RunResult b = run_imcsim("sweep " + dir + "/lhs.yaml --out " + dir + "/b --jobs 1");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(read_file(dir + "/a/results.csv"), read_file(dir + "/b/results.csv"));
  const nlohmann::json results = nlohmann::json::parse(read_file(dir + "/a/results.json"));
  std::vector<int> strata(4, 0);
  for (const auto& p : results.at("points")) {
    const int width = p.at("parameters").at("interconnect.link_width_bits").get<int>();
    ASSERT_GE(width, 4);
    ASSERT_LE(width, 36);
    ++strata[std::min(3, (width - 4) * 4 / 33)];
    EXPECT_EQ(p.at("status"), "ok");
  }
  for (const int s : strata) EXPECT_EQ(s, 1) << results.dump();
}

}  // namespace
}  // namespace imcsim::test
