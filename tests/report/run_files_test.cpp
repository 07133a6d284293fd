// The files derived from report.json (report/run_files.h): layers.csv and components.csv have one row per layer
// and per component with the report's own numbers, report.html is self-contained and has every chart, and a
// report the writers reject leaves no file behind. Input: the committed golden report of the zoo MLP
// (tests/regress/golden/mlp-hermes64.json).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/errors.h"
#include "report/csv_tables.h"
#include "report/html_report.h"
#include "report/run_files.h"

namespace {

using Json = nlohmann::ordered_json;

Json golden_report() {
  std::ifstream in(std::string(IMCSIM_SOURCE_DIR) + "/tests/regress/golden/mlp-hermes64.json");
  return Json::parse(in);
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

TEST(LayersCsv, OneRowPerLayerWithTheReportsNumbers) {
  const Json r = golden_report();
  const auto rows = parse_csv(imcsim::report::layers_csv(r));
  ASSERT_EQ(rows.size(), 1 + r["mapping"]["layers"].size());
  const auto& header = rows[0];
  for (const char* name : {"layer", "cores", "row_tiles", "col_tiles", "replicas", "latency_ns", "busy_ns",
                           "utilisation", "energy_uj", "energy_adc_uj", "energy_network_uj"})
    column(header, name);
  for (std::size_t k = 0; k + 1 < rows.size(); ++k) {
    const auto& row = rows[k + 1];
    ASSERT_EQ(row.size(), header.size());
    EXPECT_EQ(row[column(header, "layer")], r["mapping"]["layers"][k]["name"].get<std::string>());
    EXPECT_EQ(row[column(header, "cores")], r["mapping"]["layers"][k]["cores"].dump());
    EXPECT_EQ(row[column(header, "latency_ns")], r["latency"]["per_layer"][k]["latency_ns"].dump());
    EXPECT_EQ(row[column(header, "energy_uj")], r["energy"]["per_layer"][k]["energy_uj"].dump());
    EXPECT_EQ(row[column(header, "energy_adc_uj")], r["energy"]["per_layer"][k]["breakdown_uj"]["adc"].dump());
  }
}

TEST(ComponentsCsv, OneRowPerComponentWhoseSharesAddUpToOne) {
  const Json r = golden_report();
  const auto rows = parse_csv(imcsim::report::components_csv(r));
  ASSERT_EQ(rows.size(), 1 + r["energy"]["breakdown"].size());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"component", "energy_uj_per_inference", "share"}));
  double shares = 0, total = 0;
  for (std::size_t k = 1; k < rows.size(); ++k) {
    ASSERT_EQ(rows[k].size(), 3u);
    EXPECT_EQ(rows[k][1], r["energy"]["breakdown"][rows[k][0]].dump());
    shares += std::stod(rows[k][2]);
    total += std::stod(rows[k][1]);
  }
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_NEAR(total, r["energy"]["per_inference_uj"].get<double>(), 1e-12);
}

TEST(CsvField, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(imcsim::report::csv_field("fc1"), "fc1");
  EXPECT_EQ(imcsim::report::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(imcsim::report::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(HtmlReport, IsSelfContainedAndHasEveryChart) {
  const Json r = golden_report();
  const std::string html = imcsim::report::html_report(r);
  for (const char* external : {"http:", "https:", "<script", "<link", "<img", "src=", "url(", "@import"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  for (const char* id : {"accuracy-chart", "layer-latency-chart", "layer-energy-chart", "energy-breakdown-chart",
                         "core-heatmap", "link-map", "mapping-table"})
    EXPECT_EQ(count(html, std::string("id=\"") + id + "\""), 1) << id;
  EXPECT_EQ(count(html, "class=\"mark\""), count(html, "<title>") - 1);  // every mark has a title; so has the page
  EXPECT_EQ(html, imcsim::report::html_report(r));
}

TEST(HtmlReport, EscapesNamesFromTheReport) {
  Json r = golden_report();
  r["mapping"]["layers"][0]["name"] = "<script>alert(1)</script>";
  r["latency"]["per_layer"][0]["name"] = "<script>alert(1)</script>";
  const std::string html = imcsim::report::html_report(r);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
}

TEST(RunFiles, WritesEveryFileOrNone) {
  const std::filesystem::path dir = ::testing::TempDir() + "imcsim_run_files_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "bad");
  Json bad = golden_report();
  bad["energy"].erase("breakdown");
  EXPECT_THROW(imcsim::report::write_run_files((dir / "bad").string(), bad), imcsim::Error);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "bad"));

  imcsim::report::write_run_files(dir.string(), golden_report());
  for (const char* name : {"report.json", "report.html", "layers.csv", "components.csv"})
    EXPECT_GT(std::filesystem::file_size(dir / name), 100u) << name;
  std::ifstream in(dir / "report.json");
  EXPECT_EQ(Json::parse(in), golden_report());
  std::filesystem::remove_all(dir);
}

}  // namespace
