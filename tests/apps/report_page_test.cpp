// The page `imcsim run --out DIR` writes, as a browser shows it: the main job on the zoo's MLP (200 images, one
// drift time) writes report.html, layers.csv and components.csv next to report.json; headless Chromium renders
// the page to a screenshot and dumps its DOM, in which every chart holds one mark per datum of report.json.
// Chromium: IMCSIM_CHROMIUM or /usr/bin/chromium (Debian's `chromium`, installed by scripts/setup.sh). It runs
// with no sandbox (CI runs as root), no network and a fresh profile.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

std::string chromium() {
  const char* path = std::getenv("IMCSIM_CHROMIUM");
  return path ? path : "/usr/bin/chromium";
}

/// Runs headless Chromium on `page` with `args`; its stdout in `out`. Returns the exit status.
int run_chromium(const std::string& page, const std::string& args, const std::string& out) {
  char profile[] = "/tmp/imcsim_chromium_XXXXXX";
  if (mkdtemp(profile) == nullptr) return -1;
  const std::string command = "timeout -k 5 60 '" + chromium() +
                              "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
                              "--disable-background-networking --disable-component-update --no-first-run "
                              "--no-default-browser-check --hide-scrollbars --user-data-dir=" +
                              profile + " " + args + " 'file://" + page + "' >'" + out + "' 2>'" + out + ".err'";
  const int status = std::system(command.c_str());
  std::filesystem::remove_all(profile);
  return status;
}

/// The markup of <svg id="id" ...>...</svg> in `dom`, or "" when it is missing.
std::string svg_of(const std::string& dom, const std::string& id) {
  const std::size_t begin = dom.find("<svg id=\"" + id + "\"");
  if (begin == std::string::npos) return "";
  const std::size_t end = dom.find("</svg>", begin);
  return end == std::string::npos ? "" : dom.substr(begin, end - begin);
}

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

std::size_t csv_rows(const std::string& text) { return static_cast<std::size_t>(count(text, "\n")) - 1; }

TEST(ReportPage, RunWritesThePageAndTablesThatChromiumRendersWithEveryChart) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  ASSERT_EQ(access(chromium().c_str(), X_OK), 0)
      << chromium() << " is missing: `make setup` (scripts/setup.sh) installs Debian's chromium";
  const std::string out = ::testing::TempDir() + "imcsim_report_page_" + std::to_string(getpid());
  std::filesystem::remove_all(out);
  const imcsim::test::RunResult r =
      run_imcsim("run --model mlp --images 200 --drift-times 1h --seed 7 --threads 2 --out '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = nlohmann::json::parse(read_file(out + "/report.json"));

  // The tables: one row per layer, one per component.
  EXPECT_EQ(csv_rows(read_file(out + "/layers.csv")), report["mapping"]["layers"].size());
  EXPECT_EQ(csv_rows(read_file(out + "/components.csv")), report["energy"]["breakdown"].size());

  const std::string page = std::filesystem::absolute(out + "/report.html").string();
  ASSERT_TRUE(std::filesystem::exists(page));

  // A screenshot of the whole page: a PNG of 1400 x 3000 pixels with something drawn on it.
  const std::string png = out + "/report.png";
  ASSERT_EQ(run_chromium(page, "--screenshot='" + png + "' --window-size=1400,3000", out + "/screenshot.log"), 0)
      << read_file(out + "/screenshot.log.err");
  const std::string image = read_file(png);
  ASSERT_GT(image.size(), 50000u) << png;
  EXPECT_EQ(image.substr(1, 3), "PNG");
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(image[at]) << 24) | (static_cast<unsigned char>(image[at + 1]) << 16) |
           (static_cast<unsigned char>(image[at + 2]) << 8) | static_cast<unsigned char>(image[at + 3]);
  };
  EXPECT_EQ(be32(16), 1400u);
  EXPECT_EQ(be32(20), 3000u);

  // The DOM as Chromium parsed it: every chart, each with one mark (and one hover title) per datum.
  const std::string dom_path = out + "/dom.html";
  ASSERT_EQ(run_chromium(page, "--dump-dom", dom_path), 0) << read_file(dom_path + ".err");
  const std::string dom = read_file(dom_path);
  const int layers = static_cast<int>(report["latency"]["per_layer"].size());
  const int components = static_cast<int>(report["energy"]["breakdown"].size());
  const int nodes = report["chip"]["grid_x"].get<int>() * report["chip"]["grid_y"].get<int>();
  const int links = static_cast<int>(report["utilisation"]["per_link"].size());
  const int drift_times = static_cast<int>(report["accuracy"]["analog"].size());
  int segments = 0;
  for (const auto& l : report["energy"]["per_layer"]) segments += static_cast<int>(l["breakdown_uj"].size());
  ASSERT_GE(layers, 3);
  ASSERT_EQ(nodes, 64);
  ASSERT_GT(links, 2 * nodes);
  const std::vector<std::pair<std::string, int>> expected = {
      {"accuracy-chart", 1 + 2 * drift_times},  // the FP32 line, two points per drift time
      {"layer-latency-chart", layers},
      {"layer-energy-chart", segments},  // one per layer and component of its breakdown
      {"energy-breakdown-chart", 2 * components},
      {"core-heatmap", nodes},
      {"link-map", links + nodes}};
  for (const auto& [id, marks] : expected) {
    const std::string svg = svg_of(dom, id);
    ASSERT_FALSE(svg.empty()) << id << " is missing from the DOM";
    EXPECT_EQ(count(svg, "class=\"mark\""), marks) << id;
    EXPECT_EQ(count(svg, "<title>"), marks) << id;
  }
  const std::size_t table = dom.find("<table id=\"mapping-table\"");
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(count(dom.substr(table, dom.find("</table>", table) - table), "<tr>"), 1 + layers);
  std::filesystem::remove_all(out);
}

}  // namespace
