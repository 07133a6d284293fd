#include "sweep/pareto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "base/errors.h"
#include "sweep_tables.h"

namespace imcsim::sweep {
namespace {

using testing::ok_row;
using testing::two_objectives;

TEST(ParetoFront, TwoObjectivesKeepsTiesAndSkipsFailedAndIncompleteRows) {
  EXPECT_EQ(pareto_front(two_objectives()), (std::vector<int>{0, 1, 3, 4}));
}

TEST(ParetoFront, FollowsTheSenseOfEachObjective) {
  SweepTable t = two_objectives();
  t.objectives[1].sense = Sense::minimise;  // lowest energy and lowest accuracy: point 0 beats all
  EXPECT_EQ(pareto_front(t), (std::vector<int>{0}));
  t.objectives[0].sense = Sense::maximise;
  t.objectives[1].sense = Sense::maximise;  // most energy (8) against best accuracy (4)
  EXPECT_EQ(pareto_front(t), (std::vector<int>{4, 8}));
}

TEST(ParetoFront, ThirdObjectiveSeparatesTiesAndRescuesPoints) {
  SweepTable t = two_objectives();
  t.objectives.push_back({"latency_ns", Sense::minimise});
  // 3 now loses to 1 on latency; 2 and 8 have the lowest latencies in their neighbourhoods.
  EXPECT_EQ(pareto_front(t), (std::vector<int>{0, 1, 2, 4, 8}));
}

TEST(ParetoFront, EqualRowsAreBothOnTheFront) {
  SweepTable t;
  t.parameters = {"x"};
  t.metrics = {"a", "b"};
  t.objectives = {{"a", Sense::minimise}, {"b", Sense::minimise}};
  t.total_points = 3;
  t.rows = {ok_row(0, {"0"}, {1.0, 1.0}), ok_row(1, {"1"}, {1.0, 1.0}), ok_row(2, {"2"}, {1.0, 1.5})};
  EXPECT_EQ(pareto_front(t), (std::vector<int>{0, 1}));
}

TEST(ParetoFront, NoObjectivesNoFront) {
  SweepTable t = two_objectives();
  t.objectives.clear();
  EXPECT_TRUE(pareto_front(t).empty());
}

TEST(ParetoFront, UnknownObjectiveMetricThrowsNamingIt) {
  SweepTable t = two_objectives();
  t.objectives.push_back({"power_mw", Sense::minimise});
  try {
    pareto_front(t);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'power_mw'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("energy_uj"), std::string::npos) << e.what();
  }
}

TEST(ParetoFront, MalformedTablesThrow) {
  SweepTable t = two_objectives();
  t.rows[2].metrics.pop_back();
  EXPECT_THROW(pareto_front(t), Error);
  t = two_objectives();
  t.rows[2].point = 1;
  EXPECT_THROW(pareto_front(t), Error);
  t = two_objectives();
  t.rows[0].parameters.push_back("extra");
  EXPECT_THROW(pareto_front(t), Error);
  t = two_objectives();
  t.total_points = 8;  // point 8 lies outside
  EXPECT_THROW(pareto_front(t), Error);
}

/// Random tables with many ties (values from a small set) against the definition applied to every pair.
TEST(ParetoFront, MatchesPairwiseDefinitionOnRandomTables) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    SweepTable t;
    t.metrics = {"m0", "m1", "m2"};
    const int k = 1 + trial % 3;
    for (int o = 0; o < k; ++o)
      t.objectives.push_back(
          {t.metrics[static_cast<std::size_t>(o)], (trial / 3 + o) % 2 ? Sense::maximise : Sense::minimise});
    const int n = 1 + static_cast<int>(rng() % 40);
    t.total_points = n;
    for (int p = 0; p < n; ++p) {
      std::vector<std::optional<double>> m;
      for (int c = 0; c < 3; ++c) {
        if (rng() % 10 == 0) {
          m.emplace_back(std::nullopt);
        } else {
          m.emplace_back(static_cast<double>(rng() % 5));
        }
      }
      PointRow row = ok_row(p, {}, m);
      if (rng() % 8 == 0) row.status = PointStatus::failed;
      t.rows.push_back(row);
    }
    const auto eligible = [&](const PointRow& r) {
      if (r.status != PointStatus::ok) return false;
      for (int o = 0; o < k; ++o)
        if (!r.metrics[static_cast<std::size_t>(o)]) return false;
      return true;
    };
    const auto dominates = [&](const PointRow& a, const PointRow& b) {
      bool strictly = false;
      for (int o = 0; o < k; ++o) {
        const double s = t.objectives[static_cast<std::size_t>(o)].sense == Sense::minimise ? 1 : -1;
        const double va = s * *a.metrics[static_cast<std::size_t>(o)], vb = s * *b.metrics[static_cast<std::size_t>(o)];
        if (va > vb) return false;
        strictly = strictly || va < vb;
      }
      return strictly;
    };
    std::vector<int> expected;
    for (const auto& b : t.rows) {
      if (!eligible(b)) continue;
      if (std::none_of(t.rows.begin(), t.rows.end(), [&](const PointRow& a) { return eligible(a) && dominates(a, b); }))
        expected.push_back(b.point);
    }
    std::shuffle(t.rows.begin(), t.rows.end(), rng);
    ASSERT_EQ(pareto_front(t), expected) << "trial " << trial;
  }
}

TEST(FrontSummary, OrdersByFirstObjectiveAndAlignsColumns) {
  const SweepTable t = two_objectives();
  const auto front = pareto_front(t);
  EXPECT_EQ(in_first_objective_order(t, front), (std::vector<int>{0, 1, 3, 4}));
  EXPECT_EQ(front_summary_text(t, front),
            "point  adc.bits  mode   energy_uj (min)  accuracy_1d (max)\n"
            "    0  4         a,b                  1                0.8\n"
            "    1  6         plain                2                0.9\n"
            "    3  8         plain                2                0.9\n"
            "    4  10        plain                4               0.95\n");
  EXPECT_EQ(front_summary_text(t, front, 2),
            "point  adc.bits  mode   energy_uj (min)  accuracy_1d (max)\n"
            "    0  4         a,b                  1                0.8\n"
            "    1  6         plain                2                0.9\n"
            "... and 2 more\n");
}

TEST(FrontSummary, MaximisedFirstObjectiveListsLargestFirst) {
  SweepTable t = two_objectives();
  std::swap(t.objectives[0], t.objectives[1]);
  EXPECT_EQ(in_first_objective_order(t, pareto_front(t)), (std::vector<int>{4, 1, 3, 0}));
  t.objectives.clear();
  EXPECT_EQ(front_summary_text(t, {}), "no objectives, so no Pareto front\n");
}

}  // namespace
}  // namespace imcsim::sweep
