// The range calibration section of report.html (report/range_calibration_html.h): on the golden report of the zoo
// MLP with a hand-built accuracy.range_calibration, the strip plot stands above the table and has one dot per tile
// that the file gives a value and ten histogram cells per layer with column kappa, each titled with its numbers; a
// layer at the defaults reads "default"; a report without a calibration has no such section.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "report/html_report.h"
#include "report/range_calibration_html.h"

namespace {

using Json = nlohmann::ordered_json;

Json golden_report() {
  std::ifstream in(std::string(IMCSIM_SOURCE_DIR) + "/tests/regress/golden/mlp-hermes64.json");
  return Json::parse(in);
}

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

Json tile(int row_tile, double input_range) {
  return {{"row_tile", row_tile}, {"col_tile", 0}, {"replica", 0}, {"core", row_tile}, {"input_range", input_range}};
}

/// fc1: two tiles with input ranges 2.5 and 0.25, 64 columns (48 at kappa 1, 16 in (0.6, 0.7]); fc2: all
/// defaults.
Json calibration() {
  Json c{{"file", "cal.yaml"}, {"model", "mlp"},    {"chip", "hermes64"}, {"method", "both"},
         {"objective", "mse"}, {"mode", "offline"}, {"seed", 1}};
  Json fc1{{"name", "fc1"}, {"tiles_set", 2}};
  fc1["input_range"] = {{"min", 0.25}, {"median", 2.5}, {"max", 2.5}};
  fc1["column_kappa"] = {{"min", 0.65}, {"median", 1.0}, {"max", 1.0}};
  fc1["column_kappa_histogram"] = {{"bin_edges", {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}},
                                   {"counts", {0, 0, 0, 0, 0, 0, 16, 0, 0, 48}}};
  fc1["tiles"] = {tile(0, 2.5), tile(1, 0.25)};
  Json fc2{{"name", "fc2"}, {"tiles_set", 0}, {"tiles", Json::array()}};
  c["layers"] = {fc1, fc2};
  return c;
}

TEST(HtmlReport, StripPlotOfTheRangeCalibrationAboveItsTable) {
  Json r = golden_report();
  EXPECT_EQ(imcsim::report::html_report(r).find("range-calibration"), std::string::npos);
  r["accuracy"]["range_calibration"] = calibration();
  const std::string html = imcsim::report::html_report(r);
  ASSERT_EQ(count(html, "id=\"range-calibration-chart\""), 1);
  ASSERT_EQ(count(html, "id=\"range-calibration-table\""), 1);
  EXPECT_LT(html.find("id=\"range-calibration-chart\""), html.find("id=\"range-calibration-table\""));
  EXPECT_EQ(count(html, "class=\"mark\""), count(html, "<title>") - 1);

  const std::string chart = imcsim::report::range_calibration_chart(calibration());
  EXPECT_EQ(count(chart, "<circle class=\"mark\""), 2) << "one dot per tile with an input range";
  EXPECT_EQ(count(chart, "<rect class=\"mark\""), 10) << "ten kappa bins for fc1, none for fc2";
  EXPECT_NE(chart.find("fc1 tile (row 1, col 0, replica 0, core 1): DAC input range per tile 0.25"), std::string::npos);
  EXPECT_NE(chart.find("fc1: 48 of 64 columns (75.0 %) with kappa in (0.9, 1]"), std::string::npos);
  EXPECT_NE(chart.find("fc1: 16 of 64 columns (25.0 %) with kappa in (0.6, 0.7]"), std::string::npos);
  EXPECT_EQ(count(chart, ">default<"), 1) << "fc2's input range";
  EXPECT_EQ(count(chart, ">default (1)<"), 1) << "fc2's kappa";
  EXPECT_EQ(chart.find("ADC range"), std::string::npos) << "no ADC panel when the file gives no ADC range";
}

TEST(HtmlReport, AnAdcRangeGetsItsOwnStrip) {
  Json c = calibration();
  c["layers"][1]["adc_range"] = {{"min", 0.5}, {"median", 0.5}, {"max", 0.5}};
  c["layers"][1]["tiles"] = {{{"row_tile", 0}, {"col_tile", 0}, {"adc_range", 0.5}}};
  const std::string chart = imcsim::report::range_calibration_chart(c);
  EXPECT_EQ(count(chart, "<circle class=\"mark\""), 3);
  EXPECT_NE(chart.find("fc2 tile (row 0, col 0): ADC range per tile 0.5"), std::string::npos);
}

}  // namespace
