// regress/report_diff.h on JSON values built here: tolerances by pattern (the most specific wins), exact integers
// and strings, added and missing keys, ignored paths, and the `*`-in-a-key and `**` patterns.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "regress/report_diff.h"

namespace {

using imcsim::regress::diff_reports;
using imcsim::regress::DiffRules;
using imcsim::regress::path_segments;
using imcsim::regress::Verdict;
using Json = nlohmann::ordered_json;

Json report() {
  return Json::parse(R"({
    "model_file": "/here/mlp.onnx",
    "latency": {"per_inference_ns": 4081.5, "per_layer": [{"name": "fc1", "start_ns": 10.0, "energy_uj": 0.5}]},
    "mapping": {"cores_used": 7},
    "accuracy": {"analog": [{"time_s": 3600, "top1": 0.89}]},
    "model": "mlp"
  })");
}

TEST(ReportDiff, IdenticalReportsHaveNoChange) {
  const auto d = diff_reports(report(), report(), DiffRules{});
  EXPECT_FALSE(d.regressed());
  EXPECT_TRUE(d.changes.empty());
  EXPECT_EQ(d.compared, 8) << "model_file is ignored";
}

TEST(ReportDiff, TheMostSpecificPatternDecides) {
  DiffRules rules;
  rules.tolerances = {{"latency", {0.0, 0.1}}, {"latency.per_inference_ns", {0.0, 1e-6}}};
  Json now = report();
  now["latency"]["per_inference_ns"] = 4081.6;        // 2.5e-5 relative: beyond 1e-6
  now["latency"]["per_layer"][0]["start_ns"] = 10.5;  // 5 %: within latency's 10 %
  const auto d = diff_reports(report(), now, rules);
  ASSERT_EQ(d.changes.size(), 2u);
  EXPECT_EQ(d.changes[0].path, "latency.per_inference_ns");
  EXPECT_EQ(d.changes[0].verdict, Verdict::regressed);
  EXPECT_EQ(d.changes[1].path, "latency.per_layer[0].start_ns");
  EXPECT_EQ(d.changes[1].verdict, Verdict::within);
  EXPECT_NEAR(d.changes[1].delta, 0.5, 1e-12);
}

TEST(ReportDiff, IntegersAndStringsAreExactAndKeysMustMatch) {
  Json now = report();
  now["mapping"]["cores_used"] = 6;
  now["model"] = "cnn";
  now["latency"].erase("per_inference_ns");
  now["added"] = 1;
  DiffRules rules;
  rules.default_tolerance = {1.0, 1.0};
  const auto d = diff_reports(report(), now, rules);
  EXPECT_TRUE(d.regressed());
  std::map<std::string, Verdict> verdicts;
  for (const auto& c : d.changes) verdicts[c.path] = c.verdict;
  EXPECT_EQ(verdicts.at("mapping.cores_used"), Verdict::regressed);
  EXPECT_EQ(verdicts.at("model"), Verdict::regressed);
  EXPECT_EQ(verdicts.at("latency.per_inference_ns"), Verdict::missing);
  EXPECT_EQ(verdicts.at("added"), Verdict::added);
}

TEST(ReportDiff, KeyGlobsAndAnyDepthPatterns) {
  DiffRules rules;
  rules.default_tolerance = {0.0, 0.5};
  rules.tolerances = {{"**.*_ns", {0.0, 0.0}}};
  Json now = report();
  now["latency"]["per_layer"][0]["start_ns"] = 10.000001;
  now["latency"]["per_layer"][0]["energy_uj"] = 0.6;
  const auto d = diff_reports(report(), now, rules);
  ASSERT_EQ(d.changes.size(), 2u);
  EXPECT_EQ(d.changes[0].path, "latency.per_layer[0].start_ns");
  EXPECT_EQ(d.changes[0].verdict, Verdict::regressed) << "a key ending in _ns at any depth is exact";
  EXPECT_EQ(d.changes[1].path, "latency.per_layer[0].energy_uj");
  EXPECT_EQ(d.changes[1].verdict, Verdict::within);
}

TEST(ReportDiff, GlobsMatchWholeKeysOnly) {
  DiffRules rules;
  rules.ignore = {"lat*cy", "*.*_used", "accuracy.*.top1"};
  Json now = report();
  now["latency"]["per_inference_ns"] = 1.0;
  now["mapping"]["cores_used"] = 1;
  now["accuracy"]["analog"][0]["top1"] = 0.1;
  now["model_file"] = "/elsewhere/mlp.onnx";
  const auto d = diff_reports(report(), now, rules);
  std::vector<std::string> paths;
  for (const auto& c : d.changes) paths.push_back(c.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"model_file", "accuracy.analog[0].top1"}))
      << "`*` is a key, not an index; the ignore list was replaced";
}

TEST(ReportDiff, WithoutIgnoredDropsThePaths) {
  const Json stored = imcsim::regress::without_ignored(report(), DiffRules{});
  EXPECT_FALSE(stored.contains("model_file"));
  EXPECT_TRUE(stored.contains("latency"));
}

TEST(ReportDiff, MalformedPathsAreRejected) {
  for (const char* bad : {"", "a..b", "a[", "a[x]", "a.", "a]"}) {
    EXPECT_THROW(path_segments(bad), std::invalid_argument) << bad;
  }
  EXPECT_EQ(path_segments("**.a[*].b_*"), (std::vector<std::string>{"**", "a", "[*]", "b_*"}));
}

}  // namespace
