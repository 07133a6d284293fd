#include "sweep/sweep_page.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <regex>

#include "sweep/pareto.h"
#include "sweep_tables.h"

namespace imcsim::sweep {
namespace {

using testing::two_objectives;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// The <svg id="..."> elements of a page by id.
std::map<std::string, std::string> charts(const std::string& page) {
  std::map<std::string, std::string> out;
  const std::regex open("<svg id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), open); it != std::sregex_iterator(); ++it) {
    const auto start = static_cast<std::size_t>(it->position());
    out[(*it)[1]] = page.substr(start, page.find("</svg>", start) - start);
  }
  return out;
}

/// The data-point indices of the circle marks of `chart`, those on the front in `front`.
std::vector<int> circle_points(const std::string& chart, std::vector<int>* front) {
  std::vector<int> points;
  const std::regex circle("<circle class=\"mark\"[^>]*data-point=\"(\\d+)\"([^>]*)>");
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), circle); it != std::sregex_iterator(); ++it) {
    points.push_back(std::stoi((*it)[1]));
    if ((*it)[2].str().find("data-front=\"1\"") != std::string::npos) front->push_back(points.back());
  }
  std::sort(points.begin(), points.end());
  std::sort(front->begin(), front->end());
  return points;
}

TEST(SweepPage, OnePlotForTwoObjectivesWithTheFrontHighlighted) {
  const SweepTable t = two_objectives();
  const std::string page = sweep_html(t, pareto_front(t));
  const auto svgs = charts(page);
  ASSERT_EQ(svgs.size(), 1u);
  const std::string& chart = svgs.at("scatter-0-1");
  std::vector<int> front;
  // 5 has no accuracy and 6 failed: not plotted.
  EXPECT_EQ(circle_points(chart, &front), (std::vector<int>{0, 1, 2, 3, 4, 8}));
  EXPECT_EQ(front, (std::vector<int>{0, 1, 3, 4}));
  EXPECT_EQ(count(chart, "class=\"mark\""), 6u);
  const std::regex red_mark("<circle class=\"mark\"[^>]*fill=\"#d62728\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(chart.begin(), chart.end(), red_mark), std::sregex_iterator()), 4);
  EXPECT_EQ(count(chart, "<path d=\"M"), 1u);  // the step line
  EXPECT_NE(chart.find("energy_uj (uJ), lower is better"), std::string::npos);
  EXPECT_NE(chart.find("accuracy_1d, higher is better"), std::string::npos);
  EXPECT_NE(chart.find("<title>point 0: adc.bits=4, mode=a,b; energy_uj=1, latency_ns=300, accuracy_1d=0.8; on the "
                       "Pareto front</title>"),
            std::string::npos);
}

TEST(SweepPage, StepLineRunsAlongTheFront) {
  const SweepTable t = two_objectives();
  const auto chart = charts(sweep_html(t, pareto_front(t))).at("scatter-0-1");
  std::map<int, std::pair<double, double>> at;
  const std::regex circle("<circle class=\"mark\" cx=\"([-0-9.]+)\" cy=\"([-0-9.]+)\"[^>]*data-point=\"(\\d+)\"");
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), circle); it != std::sregex_iterator(); ++it)
    at[std::stoi((*it)[3])] = {std::stod((*it)[1]), std::stod((*it)[2])};
  const std::regex path("<path d=\"([^\"]+)\"");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(chart, m, path));
  std::vector<std::pair<double, double>> vertices;
  const std::regex vertex("[ML]([-0-9.]+) ([-0-9.]+)");
  const std::string d = m[1];
  for (auto it = std::sregex_iterator(d.begin(), d.end(), vertex); it != std::sregex_iterator(); ++it)
    vertices.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  // Energy minimised across, accuracy maximised up: from 0 across to 1's energy at 0's accuracy, up to 1 (= 3),
  // across to 4's energy, up to 4.
  const std::vector<std::pair<double, double>> expected = {
      at[0], {at[1].first, at[0].second}, at[1], {at[4].first, at[1].second}, at[4]};
  EXPECT_EQ(vertices, expected);
  EXPECT_EQ(at[1], at[3]);
}

TEST(SweepPage, EveryPairOfThreeObjectives) {
  SweepTable t = two_objectives();
  t.objectives.push_back({"latency_ns", Sense::minimise});
  const auto front_points = pareto_front(t);
  const auto svgs = charts(sweep_html(t, front_points));
  ASSERT_EQ(svgs.size(), 3u);
  for (const char* id : {"scatter-0-1", "scatter-0-2", "scatter-1-2"}) {
    ASSERT_TRUE(svgs.count(id)) << id;
    std::vector<int> front;
    const auto points = circle_points(svgs.at(id), &front);
    // scatter-0-2 (energy, latency) also has point 5, which lacks only the accuracy.
    const std::vector<int> expected =
        std::string(id) == "scatter-0-2" ? std::vector<int>{0, 1, 2, 3, 4, 5, 8} : std::vector<int>{0, 1, 2, 3, 4, 8};
    EXPECT_EQ(points, expected) << id;
    EXPECT_EQ(front, front_points) << id;
  }
}

TEST(SweepPage, OneObjectiveIsPlottedAgainstNumericParameters) {
  SweepTable t = two_objectives();
  t.objectives = {{"energy_uj", Sense::minimise}};
  const auto front_points = pareto_front(t);
  ASSERT_EQ(front_points, (std::vector<int>{0}));
  const auto svgs = charts(sweep_html(t, front_points));
  ASSERT_EQ(svgs.size(), 1u);  // "mode" has "a,b": not a number
  std::vector<int> front;
  EXPECT_EQ(circle_points(svgs.at("scatter-0-p0"), &front), (std::vector<int>{0, 1, 2, 3, 4, 5, 8}));
  EXPECT_EQ(front, (std::vector<int>{0}));
  EXPECT_NE(svgs.at("scatter-0-p0").find(">adc.bits</text>"), std::string::npos);
  EXPECT_EQ(count(svgs.at("scatter-0-p0"), "<path"), 0u);
}

TEST(SweepPage, NoObjectivesNoPlotsNoFrontTable) {
  SweepTable t = two_objectives();
  t.objectives.clear();
  const std::string page = sweep_html(t, {});
  EXPECT_TRUE(charts(page).empty());
  EXPECT_EQ(count(page, "class=\"mark\""), 0u);
  EXPECT_EQ(page.find("front-table"), std::string::npos);
  EXPECT_NE(page.find("failed-table"), std::string::npos);
}

TEST(SweepPage, TablesSummaryAndEscaping) {
  SweepTable t = two_objectives();
  t.name = "adc <sweep> & more";
  const std::string page = sweep_html(t, pareto_front(t));
  EXPECT_NE(page.find("<title>imcsim sweep: adc &lt;sweep&gt; &amp; more</title>"), std::string::npos);
  EXPECT_EQ(page.find("<sweep>"), std::string::npos);
  EXPECT_NE(page.find("9 in the sweep, 8 done (7 ok, 1 failed), 1 without a result"), std::string::npos);
  EXPECT_NE(page.find("<th>Pareto front</th><td>4 points</td>"), std::string::npos);

  const auto table_of = [&](const std::string& id) {
    const auto start = page.find("<table id=\"" + id + "\"");
    return start == std::string::npos ? std::string() : page.substr(start, page.find("</table>", start) - start);
  };
  const std::string front = table_of("front-table");
  std::vector<std::string> order;
  const std::regex first_cell("<tr><td>(\\d+)</td>");
  for (auto it = std::sregex_iterator(front.begin(), front.end(), first_cell); it != std::sregex_iterator(); ++it)
    order.push_back((*it)[1]);
  EXPECT_EQ(order, (std::vector<std::string>{"0", "1", "3", "4"}));
  EXPECT_NE(front.find("<tr><td>4</td><td>10</td><td>plain</td><td>4</td><td>90</td><td>0.95</td></tr>"),
            std::string::npos);
  const std::string failed = table_of("failed-table");
  EXPECT_NE(failed.find("<tr><td>6</td><td>12</td><td>plain</td><td class=\"error\">adc.bits: 12 &gt; 10, "
                        "&quot;too many&quot;\nsecond line</td></tr>"),
            std::string::npos)
      << failed;
}

TEST(SweepPage, SelfContainedAndDeterministic) {
  SweepTable t = two_objectives();
  const std::string page = sweep_html(t, pareto_front(t));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http:"), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  std::reverse(t.rows.begin(), t.rows.end());
  EXPECT_EQ(sweep_html(t, pareto_front(t)), page);
}

TEST(MetricUnit, FromTheNameSuffix) {
  EXPECT_EQ(metric_unit("energy_uj"), "uJ");
  EXPECT_EQ(metric_unit("latency_ns"), "ns");
  EXPECT_EQ(metric_unit("latency_ms"), "ms");
  EXPECT_EQ(metric_unit("area_mm2"), "mm²");
  EXPECT_EQ(metric_unit("accuracy_1d"), "");
  EXPECT_EQ(metric_unit("tops_per_w"), "");
  EXPECT_EQ(metric_unit("inferences_per_s"), "");
  EXPECT_EQ(metric_unit("_s"), "");
}

}  // namespace
}  // namespace imcsim::sweep
