// The range calibration file (chip/range_calibration.h) and its use by the accuracy path (chip/analog_model.h):
// an exact round trip, an error naming file, line and key for each kind of bad file, resolution against the zoo
// cnn's mapping, the model's own ranges reproducing the uncalibrated numbers exactly, and calibrated values that
// really change them.

#include "chip/range_calibration.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/analog_model.h"
#include "tests/support/thrown.h"
#include "workloads/dataset.h"
#include "workloads/model_zoo.h"
#include "workloads/onnx_import.h"
#include "workloads/reference_executor.h"
#include "workloads/weight_layers.h"

namespace imcsim::chip {
namespace {

using test::thrown_by;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* const two_layers =
    "imcsim_range_calibration: 1\n"
    "model: demo\n"
    "chip: hermes64\n"
    "method: dac\n"
    "objective: loss\n"
    "mode: on_chip\n"
    "seed: 7\n"
    "layers:\n"
    "  - name: a\n"
    "    tiles:\n"
    "      - row_tile: 0\n"
    "        col_tile: 0\n"
    "        rows: 3\n"
    "        cols: 2\n"
    "        input_range: 0.1\n"
    "        adc_range: 0.33333334\n"
    "        column_kappa: [1, 0.7]\n"
    "  - name: b\n"
    "    tiles:\n"
    "      - row_tile: 0\n"
    "        col_tile: 0\n"
    "        replica: 1\n"
    "        rows: 2\n"
    "        cols: 1\n";

/// `two_layers` with `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = two_layers;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(RangeCalibrationFile, ReadsEveryKeyAndRoundTripsExactly) {
  const RangeCalibration c = parse_range_calibration(two_layers, "two.yaml");
  EXPECT_EQ(c.model, "demo");
  EXPECT_EQ(c.method, "dac");
  EXPECT_EQ(c.objective, "loss");
  EXPECT_EQ(c.mode, "on_chip");
  EXPECT_EQ(c.seed, 7u);
  ASSERT_EQ(c.layers.size(), 2u);
  const TileRanges& t = c.layers[0].tiles.at(0);
  EXPECT_EQ(t.replica, -1);
  EXPECT_EQ(*t.input_range, 0.1f);
  EXPECT_EQ(t.column_kappa, (std::vector<float>{1.0f, 0.7f}));
  EXPECT_EQ(t.line, 11);
  const TileRanges& u = c.layers[1].tiles.at(0);
  EXPECT_EQ(u.replica, 1);
  EXPECT_FALSE(u.input_range);
  EXPECT_FALSE(u.adc_range);
  EXPECT_TRUE(u.column_kappa.empty());
  const std::string yaml = to_yaml(c);
  EXPECT_EQ(yaml, two_layers);  // the file is written as it is documented
  const RangeCalibration again = parse_range_calibration(yaml, "again.yaml");
  EXPECT_EQ(*again.layers[0].tiles[0].adc_range, *t.adc_range);
  EXPECT_EQ(to_yaml(again), yaml);
}

TEST(RangeCalibrationFile, OddFloatsAndNamesSurviveTheRoundTrip) {
  RangeCalibration c;
  c.model = "my model: v2";
  c.chip = "hermes64";
  TileRanges t;
  t.rows = 1;
  t.cols = 3;
  t.input_range = 1.0f / 3.0f;
  t.adc_range = 3.4e-7f;
  t.column_kappa = {0.1f, 0.99999994f, 1e-6f};
  c.layers.push_back({"/features/Conv_0", {t}, 0});
  const RangeCalibration back = parse_range_calibration(to_yaml(c), "odd.yaml");
  EXPECT_EQ(back.model, c.model);
  EXPECT_EQ(back.layers[0].name, c.layers[0].name);
  EXPECT_EQ(*back.layers[0].tiles[0].input_range, *t.input_range);
  EXPECT_EQ(*back.layers[0].tiles[0].adc_range, *t.adc_range);
  EXPECT_EQ(back.layers[0].tiles[0].column_kappa, t.column_kappa);
}

TEST(RangeCalibrationFile, BadFilesNameFileLineAndKey) {
  struct Case {
    std::string text, key;
    int line;
  };
  const std::vector<Case> cases = {
      {edited("imcsim_range_calibration: 1", "imcsim_range_calibration: 2"), "imcsim_range_calibration", 1},
      {edited("model: demo\n", ""), "model", 1},
      {edited("seed: 7\n", "seed: 7\nextra: 1\n"), "extra", 8},
      {edited("method: dac", "method: sometimes"), "method", 4},
      {edited("column_kappa: [1, 0.7]", "column_kappa: [1, 1.5]"), "layers[0].tiles[0].column_kappa", 17},
      {edited("column_kappa: [1, 0.7]", "column_kappa: [1, 0]"), "layers[0].tiles[0].column_kappa", 17},
      {edited("column_kappa: [1, 0.7]", "column_kappa: [1, x]"), "layers[0].tiles[0].column_kappa[1]", 17},
      {edited("input_range: 0.1", "input_range: -0.1"), "layers[0].tiles[0].input_range", 15},
      {edited("adc_range: 0.33333334", "adc_range: 0"), "layers[0].tiles[0].adc_range", 16},
      {edited("        rows: 3\n", ""), "layers[0].tiles[0].rows", 11},
      {edited("        cols: 2\n", "        cols: 2\n        kappa: 1\n"), "layers[0].tiles[0].kappa", 15},
      {edited("replica: 1", "replica: -2"), "layers[1].tiles[0].replica", 22},
      {"imcsim_range_calibration: 1\nmodel: demo\nchip: c\nlayers:\n", "layers", 4},
      {std::string(two_layers) + "  - name: c\n    tiles:\n", "layers[2].tiles", 26},
  };
  for (const Case& c : cases) {
    const InputError e = thrown_by([&] { parse_range_calibration(c.text, "bad.yaml"); });
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.key(), c.key) << e.what();
    EXPECT_EQ(e.line(), c.line) << e.what();
  }
  // Cut in the middle of a list: the parser's position.
  const std::string text = two_layers;
  const InputError cut = thrown_by([&] { parse_range_calibration(text.substr(0, text.find("0.7]") + 3), "cut.yaml"); });
  EXPECT_GT(cut.line(), 0) << cut.what();
  EXPECT_TRUE(contains(cut.what(), "cut.yaml:")) << cut.what();
  EXPECT_TRUE(contains(thrown_by([] { load_range_calibration("/nonexistent/ranges.yaml"); }).what(),
                       "/nonexistent/ranges.yaml"));
}

/// The zoo's default model (cnn) mapped onto hermes64, programmed without and with a calibration.
struct ZooModel {
  ChipConfig config = load_chip_config("hermes64");
  workloads::Graph graph =
      workloads::import_onnx(workloads::resolve_model(workloads::load_model_zoo().default_model));
  firmware::ModelMapping mapping =
      firmware::map_model(layer_shapes(graph), chip_geometry(config), config.compiler.replication);
  std::vector<hw::BatchMatrix> inputs =
      capture_layer_inputs(graph, workloads::load_fashion_mnist("train", 32).samples);
  AnalogModel plain{config, workloads::weight_layers(graph), mapping, inputs};

  AnalogModel with(const RangeCalibration& c) const {
    const ResolvedRanges ranges = resolve(c, mapping, config, "test.yaml");
    return AnalogModel(config, workloads::weight_layers(graph), mapping, inputs, &ranges);
  }
  hw::BatchMatrix outputs(const AnalogModel& model, const hw::BatchMatrix& images) const {
    return workloads::ReferenceExecutor(graph, model.engine_at(3600.0, true)).run(images, 2);
  }
  double top1(const AnalogModel& model, const workloads::Dataset& test) const {
    return workloads::accuracy_of(workloads::predicted_classes(outputs(model, test.samples)), test.labels);
  }
};

TEST(RangeCalibrationResolve, FilesThatDoNotFitTheMappingNameLayerAndTile) {
  const ZooModel zoo;
  const RangeCalibration good = zoo.plain.ranges(zoo.graph.name, zoo.config.name);
  const ResolvedRanges resolved = resolve(good, zoo.mapping, zoo.config, "good.yaml");
  ASSERT_EQ(resolved.size(), zoo.mapping.layers.size());
  for (std::size_t k = 0; k < resolved.size(); ++k) EXPECT_EQ(resolved[k].size(), zoo.mapping.layers[k].tiles.size());
  const std::string first = zoo.mapping.layers[0].shape.name;
  const auto fails = [&](RangeCalibration c, const std::string& key, const std::string& says) {
    const InputError e = thrown_by([&] { resolve(c, zoo.mapping, zoo.config, "misfit.yaml"); });
    EXPECT_EQ(e.file(), "misfit.yaml");
    EXPECT_EQ(e.key(), key) << e.what();
    EXPECT_TRUE(contains(e.what(), says)) << e.what();
  };
  RangeCalibration other = good;
  other.layers[0].name = "features.0";
  fails(other, "layers[0].name", "no weight layer 'features.0'");
  RangeCalibration dropped = good;
  dropped.layers.pop_back();
  fails(dropped, "layers", "'" + zoo.mapping.layers.back().shape.name + "' is missing");
  RangeCalibration rows = good;
  rows.layers[0].tiles[0].rows += 1;
  fails(rows, "layers[0].tiles[0].rows", "layer '" + first + "' tile (row_tile 0, col_tile 0, replica 0)");
  RangeCalibration kappa = good;
  kappa.layers[0].tiles[0].column_kappa.pop_back();
  fails(kappa, "layers[0].tiles[0].column_kappa", "column_kappa entries");
  RangeCalibration outside = good;
  outside.layers[0].tiles[0].col_tile = 99;
  fails(outside, "layers[0].tiles[0]", "outside the layer's");
  RangeCalibration twice = good;
  twice.layers[0].tiles.push_back(twice.layers[0].tiles[0]);
  fails(twice, "layers[0].tiles[" + std::to_string(twice.layers[0].tiles.size() - 1) + "]", "given twice");
  RangeCalibration missing_tile = good;
  missing_tile.layers.back().tiles.pop_back();
  fails(missing_tile, "layers[" + std::to_string(good.layers.size() - 1) + "].tiles", "does not give its tile");
  ChipConfig abs_max = zoo.config;
  abs_max.noise.input_scaling = hw::InputScaling::abs_max;
  const InputError e = thrown_by([&] { resolve(good, zoo.mapping, abs_max, "abs.yaml"); });
  EXPECT_EQ(e.key(), "layers[0].tiles[0].input_range");
  EXPECT_TRUE(contains(e.what(), "abs_max")) << e.what();
  // A tile given for every replica at once covers them all.
  RangeCalibration all_replicas = good;
  for (auto& l : all_replicas.layers) {
    const int per_replica = zoo.mapping.layers[&l - all_replicas.layers.data()].tiles_per_replica();
    l.tiles.resize(static_cast<std::size_t>(per_replica));
    for (auto& t : l.tiles) t.replica = -1;
  }
  EXPECT_NO_THROW(resolve(all_replicas, zoo.mapping, zoo.config, "all.yaml"));
}

TEST(RangeCalibrationUse, TheModelsOwnRangesReproduceItsNumbersExactly) {
  const ZooModel zoo;
  const AnalogModel same = zoo.with(zoo.plain.ranges(zoo.graph.name, zoo.config.name));
  EXPECT_EQ(same.input_scales(), zoo.plain.input_scales());
  EXPECT_EQ(same.adc_ranges(), zoo.plain.adc_ranges());
  const hw::BatchMatrix images = workloads::load_fashion_mnist("test", 100).samples;
  EXPECT_EQ(zoo.outputs(same, images), zoo.outputs(zoo.plain, images));  // bit for bit, drift compensation included
}

TEST(RangeCalibrationUse, ATinyInputRangeCollapsesTheAccuracy) {
  const ZooModel zoo;
  RangeCalibration tiny = zoo.plain.ranges(zoo.graph.name, zoo.config.name);
  for (auto& l : tiny.layers)
    for (auto& t : l.tiles) t.input_range = 1e-3f;
  const AnalogModel collapsed = zoo.with(tiny);
  EXPECT_EQ(collapsed.input_scales()[0][0], 1e-3f);
  const workloads::Dataset test = workloads::load_fashion_mnist("test", 300);
  const double plain = zoo.top1(zoo.plain, test);
  const double calibrated = zoo.top1(collapsed, test);
  EXPECT_GT(plain, 0.8);
  EXPECT_LT(calibrated, plain - 0.3) << "plain " << plain;
}

TEST(RangeCalibrationUse, ColumnKappaMapsTheColumnAtAFractionOfItsScale) {
  const ZooModel zoo;
  RangeCalibration half = zoo.plain.ranges(zoo.graph.name, zoo.config.name);
  std::vector<float>& kappa = half.layers[0].tiles[0].column_kappa;
  kappa[0] = 0.5f;
  const AnalogModel model = zoo.with(half);
  const hw::ProgrammedArray& before = zoo.plain.arrays()[0][0];
  const hw::ProgrammedArray& after = model.arrays()[0][0];
  EXPECT_EQ(after.column_scales()[0], 0.5f * before.column_scales()[0]);
  EXPECT_EQ(after.column_scales().tail(kappa.size() - 1), before.column_scales().tail(kappa.size() - 1));
  // The column's weights are doubled in normalised units, those beyond half its max |w| saturate at 1.
  const auto& shape = zoo.mapping.layers[0].tiles[0];
  const hw::WeightMatrix w = workloads::weight_layers(zoo.graph)[0].matrix.block(0, 0, shape.rows, shape.cols);
  const Eigen::Index saturated = (w.col(0).cwiseAbs().array() >= 0.5f * before.column_scales()[0]).count();
  EXPECT_GT(saturated, 0);
  const hw::WeightMatrix u = after.target_us(0) - after.target_us(after.slots() / 2);
  const float span = u.col(0).cwiseAbs().maxCoeff();
  EXPECT_EQ((u.col(0).cwiseAbs().array() >= span).count(), saturated);
  EXPECT_EQ(u.col(1), (before.target_us(0) - before.target_us(before.slots() / 2)).col(1));
}

}  // namespace
}  // namespace imcsim::chip
