// Traces of the main job (docs/trace.md): `imcsim run --trace` records, `imcsim trace replay` re-times. A replay on
// the recorded design point reproduces the run's latency and energy; wider links are never slower, narrower ones
// slower where the network matters; corrupt, truncated and newer-version files fail with one clear error.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::contains;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

struct Recorded {
  std::string dir;
  std::string trace;
  nlohmann::json report;
};

/// Runs the zoo MLP (50 images, one drift time) with --trace into a fresh directory.
Recorded record() {
  Recorded r;
  r.dir = ::testing::TempDir() + "imcsim_trace_" + std::to_string(getpid());
  r.trace = r.dir + "/run.trace";
  std::filesystem::create_directories(r.dir);
  const auto run = run_imcsim("run --model mlp --images 50 --drift-times 1h --seed 3 --threads 2 --out '" + r.dir +
                              "' --trace '" + r.trace + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  r.report = nlohmann::json::parse(read_file(r.dir + "/report.json"));
  return r;
}

nlohmann::json replay(const Recorded& r, const std::string& extra, const std::string& name) {
  const std::string out = r.dir + "/" + name;
  const auto run = run_imcsim("trace replay '" + r.trace + "' --out '" + out + "' " + extra);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(read_file(out + "/report.json"));
}

double latency(const nlohmann::json& report) { return report["latency"]["per_inference_ns"].get<double>(); }
double energy(const nlohmann::json& report) { return report["energy"]["per_inference_uj"].get<double>(); }

TEST(TraceReplay, OnTheRecordedDesignPointReproducesTheRun) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const Recorded r = record();
  const auto show = run_imcsim("trace show '" + r.trace + "' --limit 20");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(contains(show.out, "format version 1")) << show.out;
  EXPECT_TRUE(contains(show.out, " mvm core=")) << show.out;
  const nlohmann::json replayed = replay(r, "", "same");
  EXPECT_NEAR(latency(replayed), latency(r.report), 0.01 * latency(r.report));
  EXPECT_NEAR(energy(replayed), energy(r.report), 0.01 * energy(r.report));
  EXPECT_NEAR(replayed["throughput"]["inferences_per_s"].get<double>(),
              r.report["throughput"]["inferences_per_s"].get<double>(),
              0.01 * r.report["throughput"]["inferences_per_s"].get<double>());
}

TEST(TraceReplay, WiderLinksAreNeverSlowerNarrowerOnesSlower) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const Recorded r = record();
  std::smatch m;
  const std::string config = r.report["config"].get<std::string>();
  ASSERT_TRUE(std::regex_search(config, m, std::regex("link_width_bits: *([0-9]+)"))) << config;
  const int width = std::stoi(m[1]);
  const nlohmann::json same = replay(r, "", "same");
  const nlohmann::json wide = replay(r, "--set interconnect.link_width_bits=" + std::to_string(2 * width), "wide");
  const nlohmann::json narrow =
      replay(r, "--set interconnect.link_width_bits=" + std::to_string(std::max(1, width / 2)), "narrow");
  EXPECT_LE(latency(wide), latency(same) * (1 + 1e-9));
  EXPECT_LE(wide["throughput"]["interval_ns"].get<double>(),
            same["throughput"]["interval_ns"].get<double>() * (1 + 1e-9));
  EXPECT_GT(latency(narrow), latency(same));
}

/// A copy of the trace with `bytes` written at `offset` (or cut to `cut` bytes).
std::string altered(const Recorded& r, const std::string& name, long offset, const std::string& bytes, long cut = -1) {
  std::string data = read_file(r.trace);
  if (cut >= 0) data.resize(static_cast<std::size_t>(cut));
  if (offset >= 0) data.replace(static_cast<std::size_t>(offset), bytes.size(), bytes);
  const std::string path = r.dir + "/" + name;
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

TEST(TraceErrors, CorruptTruncatedAndNewerFilesFailWithOneClearError) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const Recorded r = record();
  const long size = static_cast<long>(read_file(r.trace).size());
  ASSERT_GT(size, 200);
  struct Case {
    std::string file;
    std::vector<std::string> expected;
  };
  const std::string version(std::string("\x63\x00\x00\x00", 4));
  const std::string bad_op("\x7f", 1);
  // The first record: after the 64-byte header and the string table; the last record starts 80 bytes from the end.
  const std::vector<Case> cases = {
      {altered(r, "truncated.trace", -1, "", size - 30), {"truncated.trace", "byte offset", "truncated", "record"}},
      {altered(r, "newer.trace", 8, version), {"newer.trace", "'version'", "99", "newer"}},
      {altered(r, "magic.trace", 0, "NOTATRAC"), {"magic.trace", "'magic'", "byte offset 0"}},
      {altered(r, "op.trace", size - 80, bad_op), {"op.trace", "'op'", "byte offset " + std::to_string(size - 80)}},
  };
  for (const Case& c : cases) {
    for (const std::string command : {"show", "replay"}) {
      const auto run = run_imcsim("trace " + command + " '" + c.file + "'");
      EXPECT_NE(run.exit_code, 0) << c.file;
      for (const auto& part : c.expected) EXPECT_TRUE(contains(run.err, part)) << part << " in " << run.err;
      EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    }
  }
}

}  // namespace
