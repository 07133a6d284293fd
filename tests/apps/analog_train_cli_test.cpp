// `imcsim train --analog` (docs/analog-training.md) as a user runs it: one epoch on the chip's pulsed arrays with
// zero-shifting writes the ONNX file and a summary with the learning curve, the symmetry points' error and the
// minibatch timed on the chip with the measured activity; the same command with more epochs resumes from the
// checkpoint; the LSTM's minibatch is timed with its own counts (B x T sample updates per tile); bad input is exit 2
// naming the option or key.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/apps/cli_run.h"

namespace imcsim {
namespace {

using test::contains;
using test::run_imcsim;
using test::scratch_path;

const std::string small =
    "train --analog --model mlp --train-images 300 --batch 10 --seed 3 --threads 2 "
    "--set training_device.zero_shift_pulse_pairs=300";

/// The summary's training_step costs its first layer's `tiles` tiles with the run's counts of `key` per sample
/// update, tile by tile (the trainer cuts the layer as the chip does).
void expect_measured_first_layer(const nlohmann::json& summary, std::size_t tiles, const std::string& key) {
  const nlohmann::json& counts = summary["update_activity_this_run"][0];
  const nlohmann::json& activity = summary["training_step"]["activity"];
  EXPECT_EQ(activity["source"].get<std::string>().rfind("measured", 0), 0u) << activity["source"];
  ASSERT_EQ(counts["tiles"].size(), tiles);
  ASSERT_EQ(activity["layers"][0]["tiles_per_update"].size(), tiles);
  for (std::size_t t = 0; t < tiles; ++t) {
    EXPECT_DOUBLE_EQ(activity["layers"][0]["tiles_per_update"][t][key].get<double>(),
                     counts["tiles"][t][key].get<double>() / counts["sample_updates"].get<double>());
  }
}

class AnalogTrainCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test::binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(AnalogTrainCli, TrainsWithZeroShiftingAndResumesFromItsCheckpoint) {
  const std::string onnx = scratch_path("analog") + ".onnx", checkpoint = scratch_path("analog") + ".ckpt";
  std::filesystem::remove(checkpoint);
  const test::RunResult r = run_imcsim(small + " --epochs 1 --zero-shift --update-management --bl-management" +
                                       " --checkpoint " + checkpoint + " --out " + onnx);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["zero_shift"], "found");
  EXPECT_EQ(j["device"]["model"], "soft-bounds");
  ASSERT_EQ(j["curve"].size(), 1u);
  EXPECT_GT(j["curve"][0]["test_top1"].get<double>(), 0.3);
  EXPECT_GT(j["symmetry_point_error"]["devices"].get<int>(), 200000);
  EXPECT_GE(j["symmetry_point_error"]["p95_dw_min"].get<double>(),
            j["symmetry_point_error"]["median_dw_min"].get<double>());
  EXPECT_GT(j["update_activity_this_run"][0]["tiles"][0]["coincidences"].get<double>(), 0.0);
  // The minibatch timed on the chip with what the run's updates fired, tile by tile: fc1 is cut as the chip cuts
  // it (four row tiles of 196).
  const nlohmann::json& step = j["training_step"];
  expect_measured_first_layer(j, 4, "coincidences");
  EXPECT_EQ(step["batch"], 10);
  EXPECT_GT(step["minibatch"]["images_per_s"].get<double>(), 0.0);
  EXPECT_GT(step["update_energy_uj"]["coincidences"].get<double>(), 0.0);
  EXPECT_TRUE(std::filesystem::exists(onnx));
  EXPECT_TRUE(std::filesystem::exists(checkpoint));

  const test::RunResult more = run_imcsim(small + " --epochs 2 --zero-shift --update-management --bl-management" +
                                          " --checkpoint " + checkpoint + " --out " + onnx);
  ASSERT_EQ(more.exit_code, 0) << more.err;
  const nlohmann::json m = nlohmann::json::parse(more.out);
  EXPECT_EQ(m["resumed_after_epoch"], 1);
  ASSERT_EQ(m["curve"].size(), 2u);
  EXPECT_EQ(m["curve"][0]["test_top1"], j["curve"][0]["test_top1"]);

  // The same checkpoint with another device is refused.
  const test::RunResult other = run_imcsim(small + " --epochs 2 --zero-shift --set training_device.up_down=0.3" +
                                           " --checkpoint " + checkpoint + " --out " + onnx);
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_TRUE(contains(other.err, checkpoint)) << other.err;
  EXPECT_TRUE(contains(other.err, "fingerprint")) << other.err;
  std::filesystem::remove(onnx);
  std::filesystem::remove(checkpoint);
}

TEST_F(AnalogTrainCli, TimesTheLstmsMinibatchWithItsMeasuredActivity) {
  const std::string onnx = scratch_path("analog-lstm") + ".onnx";
  const test::RunResult r = run_imcsim(
      "train --analog --model lstm --train-images 100 --batch 10 --epochs 1 --seed 3 --threads 2 --out " + onnx);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  // Every time step of every sequence is a sample update of both LSTM tiles; fc's are one per sequence.
  const nlohmann::json& lstm = j["update_activity_this_run"][0];
  EXPECT_EQ(lstm["sample_updates"], 100 * 28);
  EXPECT_EQ(j["update_activity_this_run"][1]["sample_updates"], 100);
  ASSERT_TRUE(j.contains("training_step")) << "no training_step for the lstm";
  const nlohmann::json& step = j["training_step"];
  expect_measured_first_layer(j, 2, "slots");
  ASSERT_EQ(step["layers"].size(), 2u);
  EXPECT_EQ(step["layers"][0]["name"], "lstm");
  EXPECT_GT(step["minibatch"]["latency_ns"].get<double>(), 0.0);
  std::filesystem::remove(onnx);
}

TEST_F(AnalogTrainCli, BadInputIsExitTwoNamingTheOptionOrKey) {
  const std::string onnx = scratch_path("bad") + ".onnx";
  test::expect_refused_without_output(
      {
          {"train --analog --model cnn --train-images 300", "train.model"},
          {small + " --pulse-length 0", "--pulse-length"},
          {small + " --set training_device.up_down=1.5", "training_device.up_down"},
          {small + " --set training_device.dw_min=0", "training_device.dw_min"},
          {small + " --optimizer adam", "--optimizer"},
          {"train --model mlp --zero-shift", "--zero-shift"},
      },
      onnx);
}

}  // namespace
}  // namespace imcsim
