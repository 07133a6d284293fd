// timeline.json of the main job: the Trace Event format that Perfetto and chrome://tracing open. A small run (the
// zoo's MLP, 200 images, one drift time) must write well-formed events with named tracks, slices named by the
// model's layers, start times that never go back on a track and slices that never overlap on one.

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

TEST(RunTimeline, IsAWellFormedTraceWithLayerNamedNonOverlappingSlices) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const std::string out = ::testing::TempDir() + "imcsim_timeline_" + std::to_string(getpid());
  const imcsim::test::RunResult r =
      run_imcsim("run --model mlp --images 200 --drift-times 1h --seed 7 --threads 2 --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = read_file(out + "/timeline.json");
  ASSERT_FALSE(text.empty()) << out << "/timeline.json is missing";
  const nlohmann::json trace = nlohmann::json::parse(text);
  ASSERT_TRUE(trace.contains("traceEvents"));
  const nlohmann::json report = nlohmann::json::parse(read_file(out + "/report.json"));
  std::set<std::string> layers;
  for (const auto& l : report["mapping"]["layers"]) layers.insert(l["name"].get<std::string>());
  ASSERT_FALSE(layers.empty());

  std::map<int, std::string> processes;
  std::map<std::pair<int, int>, std::string> threads;
  std::map<std::pair<int, int>, std::pair<double, double>> last;  // per track: start, end of the previous slice
  std::set<std::string> layers_seen;
  std::set<std::string> units;
  int slices = 0, link_slices = 0;
  for (const auto& e : trace["traceEvents"]) {
    for (const char* field : {"name", "ph", "pid"}) ASSERT_TRUE(e.contains(field)) << field << " in " << e.dump();
    const std::string ph = e["ph"];
    const int pid = e["pid"];
    if (ph == "M") {
      const std::string what = e["name"];
      if (what == "process_name") processes[pid] = e["args"]["name"];
      if (what == "thread_name") threads[{pid, e["tid"].get<int>()}] = e["args"]["name"];
      continue;
    }
    ASSERT_EQ(ph, "X") << e.dump();
    for (const char* field : {"tid", "ts", "dur"}) ASSERT_TRUE(e.contains(field)) << field << " in " << e.dump();
    const std::pair<int, int> track{pid, e["tid"].get<int>()};
    ASSERT_TRUE(processes.count(pid) == 1) << "no process_name before " << e.dump();
    ASSERT_TRUE(threads.count(track) == 1) << "no thread_name before " << e.dump();
    const double ts = e["ts"], dur = e["dur"];
    EXPECT_GE(ts, 0.0) << e.dump();
    EXPECT_GE(dur, 0.0) << e.dump();
    const auto previous = last.find(track);
    if (previous != last.end()) {
      constexpr double tolerance_us = 1e-6;  // one picosecond: the resolution of ts and dur
      EXPECT_GE(ts, previous->second.first) << "start goes back on " << threads[track] << ": " << e.dump();
      EXPECT_GE(ts + tolerance_us, previous->second.second)
          << "overlaps the previous slice on " << processes[pid] << " / " << threads[track] << ": " << e.dump();
    }
    last[track] = {ts, ts + dur};
    ++slices;
    const std::string name = e["name"];
    const std::string base =
        name.size() > 12 && name.substr(name.size() - 12) == " programming" ? name.substr(0, name.size() - 12) : name;
    if (layers.count(base) == 1) layers_seen.insert(base);
    if (processes[pid] == "network") ++link_slices;
    if (processes[pid].rfind("core ", 0) == 0) units.insert(threads[track]);
  }
  EXPECT_GT(slices, 100);
  EXPECT_GT(link_slices, 0) << "no link activity";
  EXPECT_EQ(layers_seen, layers) << "every layer names slices";
  for (const char* unit : {"array", "digital unit", "ports"}) EXPECT_TRUE(units.count(unit) == 1) << unit;
  EXPECT_FALSE(std::ifstream(out + "/timeline.json.partial").good());
}

}  // namespace
