// imcsim calibrate on the zoo cnn: the file it writes, the summary it prints, the same file whatever the thread
// count, and bad input (exit 2, nothing written).

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "tests/apps/cli_run.h"

namespace imcsim::test {
namespace {

const std::string small = " calibrate --model cnn --calib-images 16 --noise-seeds 1";

TEST(CalibrateCli, WritesTheSameFileForAnyThreadCount) {
  const std::string one = scratch_path("calibration1.yaml"), two = scratch_path("calibration2.yaml");
  const RunResult a = run_imcsim(small + " --drift-time 1h --threads 1 -o '" + one + "'");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const RunResult b = run_imcsim(small + " --drift-time 1h --threads 2 -o '" + two + "'");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::string file = read_file(one);
  EXPECT_EQ(file.rfind("imcsim_range_calibration: 1", 0), 0u) << file;
  EXPECT_EQ(file, read_file(two));
  for (const char* layer : {"conv1", "conv2", "fc1", "fc2"}) {
    EXPECT_TRUE(contains(a.out, layer)) << a.out;
    EXPECT_TRUE(contains(file, layer)) << file;
  }
  EXPECT_TRUE(contains(a.out, "mse before")) << a.out;
  std::remove(one.c_str());
  std::remove(two.c_str());
}

TEST(CalibrateCli, ABadDriftTimeIsAnErrorAndWritesNothing) {
  const std::string out = scratch_path("calibration.yaml");
  const RunResult r = run_imcsim(small + " --drift-time soon -o '" + out + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "--drift-time")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CalibrateCli, ADacCalibrationWithoutAFixedDacRangeIsAnError) {
  const std::string out = scratch_path("calibration.yaml");
  const RunResult r = run_imcsim(small + " --set noise.input_scaling=abs_max --method dac -o '" + out + "'");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "abs_max")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CalibrateCli, OnChipCalibratesEveryReplicaOfTheSeedsInstance) {
  const std::string out = scratch_path("on-chip.yaml");
  const RunResult r = run_imcsim(" calibrate --model cnn --calib-images 16 --on-chip --set sim.seed=2 -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string file = read_file(out);
  EXPECT_TRUE(contains(file, "mode: on_chip")) << file;
  EXPECT_TRUE(contains(file, "seed: 2")) << file;
  EXPECT_TRUE(contains(file, "replica: 1")) << file;
  EXPECT_TRUE(contains(r.out, "the instance of sim.seed 2")) << r.out;
  std::remove(out.c_str());
  const RunResult seeds = run_imcsim(" calibrate --model cnn --on-chip --noise-seeds 3 -o '" + out + "'");
  EXPECT_EQ(seeds.exit_code, 2) << seeds.err;
  EXPECT_TRUE(contains(seeds.err, "--noise-seeds")) << seeds.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CalibrateCli, TheLossObjectiveCalibratesOnTheNetworksCrossEntropy) {
  const std::string out = scratch_path("loss.yaml");
  const RunResult r =
      run_imcsim(" calibrate --model mlp --calib-images 16 --noise-seeds 1 --method dac --objective loss -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(read_file(out), "objective: loss")) << read_file(out);
  EXPECT_TRUE(contains(r.out, "loss before")) << r.out;
  std::remove(out.c_str());
}

TEST(CalibrateCli, AnUnknownMethodIsRefused) {
  const std::string out = scratch_path("calibration.yaml");
  const RunResult r = run_imcsim(small + " --method everything -o '" + out + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--method")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace imcsim::test
