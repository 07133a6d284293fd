// The sweep engine called directly (no child process): a sweep file read from disk with its errors naming file,
// line and key; the planner's order and accuracy reuse; the journal appended, reopened and refused for a changed
// sweep; a table assembled with reused accuracies; points run by a stand-in for the imcsim binary.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/errors.h"
#include "base/text.h"
#include "sweep/journal.h"
#include "sweep/local_runner.h"
#include "sweep/planner.h"
#include "sweep/sweep_spec.h"
#include "tests/support/fake_imcsim.h"
#include "tests/support/thrown.h"

namespace {

namespace fs = std::filesystem;
using namespace imcsim::sweep;

const char* const sweep_text = R"(name: engine
base:
  chip: hermes64
  model: mlp
  images: 20
  drift_times: [1h]
parameters:
  adc.bits: [6, 8]
  interconnect.link_width_bits: [4, 8]
objectives:
  - minimise: latency_ns
)";

class SweepEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = (fs::temp_directory_path() / ("imcsim_sweep_engine_" + std::to_string(getpid()))).string();
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  std::string write(const std::string& text, const std::string& name = "sweep.yaml") const {
    std::ofstream(m_dir + "/" + name) << text;
    return m_dir + "/" + name;
  }
  PointOutcome outcome(const SweepSpec& spec, int point, bool accuracy, double value) const {
    PointOutcome o;
    o.row.point = point;
    o.row.parameters = spec.points[point].values;
    o.row.metrics.assign(spec.metrics.size(), std::nullopt);
    for (std::size_t k = 0; k < spec.metrics.size(); ++k) {
      if (accuracy || !spec.metrics[k].accuracy) o.row.metrics[k] = value + static_cast<double>(k);
    }
    o.accuracy_key = spec.points[point].accuracy_key;
    o.ran_accuracy = accuracy;
    return o;
  }
  std::string m_dir;
};

TEST_F(SweepEngine, ReadsTheGridFromAFile) {
  const SweepSpec spec = load_sweep(write(sweep_text));
  EXPECT_EQ(spec.name, "engine");
  ASSERT_EQ(spec.points.size(), 4u);
  EXPECT_EQ(spec.points[1].overrides, (std::vector<std::string>{"adc.bits=6", "interconnect.link_width_bits=8"}));
  EXPECT_EQ(spec.points[0].accuracy_key, spec.points[1].accuracy_key) << "the link width is timing-only";
  EXPECT_NE(spec.points[0].accuracy_key, spec.points[2].accuracy_key);
  EXPECT_EQ(empty_table(spec).total_points, 4);
}

TEST_F(SweepEngine, ABadKeyNamesFileLineAndKey) {
  std::string text = sweep_text;
  text.replace(text.find("parameters:"), 11, "paramters:");
  const std::string path = write(text);
  const auto e = imcsim::test::thrown_by([&] { load_sweep(path); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.key(), "paramters");

  std::string unknown_key = sweep_text;
  unknown_key.replace(unknown_key.find("adc.bits"), 8, "adc.bitz");
  const std::string bad_value = write(unknown_key, "bad_value.yaml");
  const auto v = imcsim::test::thrown_by([&] { load_sweep(bad_value); });
  EXPECT_EQ(v.file(), bad_value);
  EXPECT_EQ(v.line(), 8);
  EXPECT_NE(std::string(v.what()).find("adc.bitz"), std::string::npos) << v.what();
}

TEST_F(SweepEngine, PlansAccuracyRunsFirstAndReusesThemAcrossTimingOnlyTwins) {
  const SweepSpec spec = load_sweep(write(sweep_text));
  const auto tasks = plan_tasks(spec, {0, 1, 2, 3}, {});
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[0].point, 0);
  EXPECT_TRUE(tasks[0].accuracy);
  EXPECT_EQ(tasks[1].point, 2);
  EXPECT_TRUE(tasks[1].accuracy);
  EXPECT_EQ(tasks[2].point, 1);
  EXPECT_FALSE(tasks[2].accuracy);
  EXPECT_EQ(tasks[3].point, 3);
  EXPECT_FALSE(tasks[3].accuracy);

  const std::map<int, PointOutcome> finished{{0, outcome(spec, 0, true, 1.0)}};
  const auto rest = plan_tasks(spec, {0, 1, 2, 3}, finished);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].point, 2);
  EXPECT_TRUE(rest[0].accuracy);
  EXPECT_FALSE(rest[1].accuracy) << "point 1 reuses the finished accuracy of point 0";
}

TEST_F(SweepEngine, JournalAppendsResumesAndRefusesAChangedSweep) {
  const SweepSpec spec = load_sweep(write(sweep_text));
  const std::string path = m_dir + "/journal.jsonl";
  {
    Journal journal(path, spec, JournalMode::resume);
    EXPECT_TRUE(journal.finished().empty());
    journal.record(outcome(spec, 0, true, 1.0));
    journal.record(outcome(spec, 1, false, 2.0));
  }
  // A kill in the middle of a line leaves a partial last line: it is dropped.
  std::ofstream(path, std::ios::app) << R"({"point": 3, "stat)";
  {
    Journal journal(path, spec, JournalMode::resume);
    ASSERT_EQ(journal.finished().size(), 2u);
    EXPECT_EQ(journal.finished().at(1).row.metrics, outcome(spec, 1, false, 2.0).row.metrics);
    journal.record(outcome(spec, 2, true, 3.0));
  }
  const JournalContents contents = read_journal(path);
  ASSERT_EQ(contents.outcomes.size(), 3u);
  const SweepTable table = assemble_table(contents.frame, contents.outcomes, contents.accuracy_metric);
  ASSERT_EQ(table.rows.size(), 3u);
  for (std::size_t k = 0; k < spec.metrics.size(); ++k) {
    if (spec.metrics[k].accuracy) {
      EXPECT_EQ(table.rows[1].metrics[k], table.rows[0].metrics[k]) << "point 1 takes point 0's accuracy";
    }
  }

  std::string changed = sweep_text;
  changed.replace(changed.find("images: 20"), 10, "images: 30");
  const SweepSpec other = load_sweep(write(changed, "changed.yaml"));
  EXPECT_THROW(Journal(path, other, JournalMode::resume), imcsim::Error);
  {
    Journal journal(path, other, JournalMode::restart);
    EXPECT_TRUE(journal.finished().empty());
  }
}

TEST_F(SweepEngine, RunsPointsWithTheGivenExecutable) {
  const std::string executable = imcsim::test::write_fake_imcsim(m_dir + "/imcsim");
  const SweepSpec spec = load_sweep(write(sweep_text));
  EXPECT_EQ(point_directory(m_dir, spec, 3), m_dir + "/points/0003");
  std::map<int, PointOutcome> done;
  run_local(executable, spec, plan_tasks(spec, {0, 1, 2, 3}, {}), m_dir, 2, 1,
            [&](const PointOutcome& o) { done.emplace(o.row.point, o); });
  ASSERT_EQ(done.size(), 4u);
  const SweepTable frame = empty_table(spec);
  for (const auto& [point, o] : done) {
    EXPECT_EQ(o.row.status, PointStatus::ok) << o.row.error;
    for (std::size_t k = 0; k < frame.metrics.size(); ++k) {
      if (frame.metrics[k] == "latency_ns") {
        EXPECT_EQ(o.row.metrics[k], 100.0);
      }
      if (frame.metrics[k] == "cores_used") {
        EXPECT_EQ(o.row.metrics[k], 7.0);
      }
    }
  }
  const PointOutcome failed = run_point(executable, spec, {1, true}, m_dir + "/fails", 1);
  EXPECT_EQ(failed.row.status, PointStatus::failed);
  EXPECT_EQ(failed.row.error, "imcsim: error: it failed");
  EXPECT_FALSE(failed.ran_accuracy);
}

}  // namespace
