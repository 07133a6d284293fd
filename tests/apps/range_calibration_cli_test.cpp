// `imcsim run --calibration FILE` (docs/calibration.md) as a user runs it: a file with the model's own ranges gives
// the uncalibrated run's accuracy exactly and is recorded in report.json and report.html; a file with tiny input
// ranges collapses the accuracy; each kind of bad file is one error with file, line and key, exit 2, and no output.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "chip/accuracy.h"
#include "chip/analog_model.h"
#include "chip/range_calibration.h"
#include "chip/stage_estimates.h"
#include "tests/apps/cli_run.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/weight_layers.h"

namespace imcsim {
namespace {

using test::contains;
using test::read_file;
using test::run_imcsim;
using test::scratch_path;

const std::string run_args = "run --model cnn --images 200 --drift-times 1h --seed 1 --no-timeline";

/// The ranges `imcsim run --model M --seed 1` uses on hermes64 without a file (32 calibration images).
chip::RangeCalibration own_ranges(const std::string& model) {
  chip::ChipConfig config = chip::load_chip_config("hermes64");
  config.sim.seed = 1;
  const workloads::Graph graph = workloads::import_onnx(workloads::resolve_model(model));
  const firmware::ModelMapping mapping = firmware::map_model(chip::estimated_layer_shapes(graph, config),
                                                             chip::chip_geometry(config), config.compiler.replication);
  const chip::AnalogModel analog(config, workloads::weight_layers(graph), mapping,
                                 chip::capture_layer_inputs(graph, workloads::load_fashion_mnist("train", 32).samples));
  return analog.ranges(graph.name, config.name);
}

std::string write(const std::string& purpose, const std::string& text) {
  const std::string path = scratch_path(purpose) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

nlohmann::json report(const std::string& out) { return nlohmann::json::parse(read_file(out + "/report.json")); }

class RangeCalibrationCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test::binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(RangeCalibrationCli, TheModelsOwnRangesGiveTheUncalibratedNumbers) {
  const std::string file = write("own", chip::to_yaml(own_ranges("cnn")));
  const std::string plain = scratch_path("plain"), calibrated = scratch_path("calibrated");
  ASSERT_EQ(run_imcsim(run_args + " --out " + plain).exit_code, 0);
  const test::RunResult r = run_imcsim(run_args + " --calibration " + file + " --out " + calibrated);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json a = report(plain), b = report(calibrated);
  EXPECT_EQ(a["accuracy"]["analog"], b["accuracy"]["analog"]);
  EXPECT_FALSE(a["accuracy"].contains("range_calibration"));
  const nlohmann::json& c = b["accuracy"]["range_calibration"];
  EXPECT_EQ(c["file"], file);
  EXPECT_EQ(c["model"], "cnn");
  EXPECT_EQ(c["method"], "both");
  ASSERT_EQ(c["layers"].size(), b["mapping"]["layers"].size());
  for (std::size_t k = 0; k < c["layers"].size(); ++k) {
    EXPECT_EQ(c["layers"][k]["name"], b["mapping"]["layers"][k]["name"]);
    EXPECT_EQ(c["layers"][k]["tiles_set"], b["mapping"]["layers"][k]["cores"]);
    EXPECT_EQ(c["layers"][k]["column_kappa"]["min"], 1.0);
    // Each tile of the mapping has its entry; every column's kappa 1 falls in the last bin.
    const nlohmann::json& m = b["mapping"]["layers"][k];
    const nlohmann::json& tiles = c["layers"][k]["tiles"];
    ASSERT_EQ(tiles.size(), m["cores"].get<std::size_t>());
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      EXPECT_EQ(tiles[i]["core"], m["core_ids"][i]);
      EXPECT_GT(tiles[i]["input_range"].get<double>(), 0.0);
      EXPECT_EQ(tiles[i]["column_kappa"]["max"], 1.0);
    }
    const nlohmann::json& counts = c["layers"][k]["column_kappa_histogram"]["counts"];
    ASSERT_EQ(counts.size(), 10u);
    EXPECT_EQ(counts[9], m["cols"].get<int>() * m["row_tiles"].get<int>() * m["replicas"].get<int>());
  }
  const std::string html = read_file(calibrated + "/report.html");
  EXPECT_TRUE(contains(html, "id=\"range-calibration-table\"")) << "no range calibration table";
  EXPECT_TRUE(contains(html, "id=\"range-calibration-chart\"")) << "no range calibration strip plot";
  EXPECT_FALSE(contains(read_file(plain + "/report.html"), "range-calibration"));
}

TEST_F(RangeCalibrationCli, TinyInputRangesCollapseTheAccuracy) {
  chip::RangeCalibration tiny = own_ranges("cnn");
  for (auto& l : tiny.layers)
    for (auto& t : l.tiles) t.input_range = 1e-3f;
  const std::string out = scratch_path("tiny");
  const test::RunResult r =
      run_imcsim(run_args + " --calibration " + write("tiny", chip::to_yaml(tiny)) + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double top1 = report(out)["accuracy"]["analog"][0]["top1"].get<double>();
  EXPECT_LT(top1, 0.5) << r.out;
}

TEST_F(RangeCalibrationCli, BadFilesAreOneErrorWithFileLineAndKeyAndWriteNothing) {
  const chip::RangeCalibration own = own_ranges("cnn");
  const std::string text = chip::to_yaml(own);
  chip::RangeCalibration short_kappa = own;
  short_kappa.layers[1].tiles[0].column_kappa.pop_back();
  struct Case {
    std::string name, text, key, extra;
    bool names_layer = true;  ///< a misfit names the layer and tile; a malformed value its key
  };
  const std::vector<Case> cases = {
      // The mlp's first layer is named like the cnn's fc1, but its tiles are not the cnn's.
      {"other_model", chip::to_yaml(own_ranges("mlp")), "layers[0].tiles[0].rows", ""},
      {"truncated", text.substr(0, text.size() / 2), "", "", false},
      {"out_of_range",
       [&] {
         std::string t = text;
         return t.replace(t.find("column_kappa: [1"), 16, "column_kappa: [1.5");
       }(),
       "layers[0].tiles[0].column_kappa", "", false},
      {"short_kappa", chip::to_yaml(short_kappa), "layers[1].tiles[0].column_kappa", ""},
      {"abs_max", text, "layers[0].tiles[0].input_range", " --set noise.input_scaling=abs_max"},
  };
  for (const Case& c : cases) {
    const std::string file = write(c.name, c.text);
    const std::string out = scratch_path(c.name + "_out");
    const test::RunResult r = run_imcsim(run_args + c.extra + " --calibration " + file + " --out " + out);
    EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.err;
    const auto at = r.err.find(file + ":");
    ASSERT_NE(at, std::string::npos) << c.name << "\n" << r.err;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(r.err[at + file.size() + 1]))) << c.name << ": no line\n"
                                                                                       << r.err;
    if (!c.key.empty()) {
      EXPECT_TRUE(contains(r.err, "'" + c.key + "'")) << c.name << "\n" << r.err;
      EXPECT_TRUE(!c.names_layer || contains(r.err, "layer '")) << c.name << "\n" << r.err;
    }
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.name << "\n" << r.err;  // one error line
    EXPECT_TRUE(r.out.empty()) << c.name << "\n" << r.out;
    EXPECT_FALSE(std::filesystem::exists(out)) << c.name;
  }
}

}  // namespace
}  // namespace imcsim
