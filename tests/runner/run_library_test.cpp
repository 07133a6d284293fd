// The run library (runner/run.h, runner/run_anywhere.h) called from code: its report.json is the binary's byte for
// byte, its accuracy path runs any number of times in one process, and loops get the same report whether a run
// happens here or in a worker process. Each test case runs in a process of its own (SystemC elaborates once).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/errors.h"
#include "chip/analog_model.h"
#include "chip/chip_config.h"
#include "chip/simulation.h"
#include "runner/run.h"
#include "runner/run_anywhere.h"
#include "runner/run_report.h"
#include "tests/apps/cli_run.h"
#include "workloads/dataset.h"
#include "workloads/weight_layers.h"

namespace {

using imcsim::runner::RunRequest;

RunRequest mlp_request(int images) {
  RunRequest request;
  request.chip = imcsim::chip::load_chip_config("hermes64");
  request.model = "mlp";
  request.images = images;
  request.drift_times_s = {3600.0};
  request.seed = 7;
  request.threads = 2;
  return request;
}

TEST(RunLibrary, ZooMlpReportIsTheBinarysByteForByte) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  const std::string report = imcsim::runner::report_json(imcsim::runner::run(mlp_request(200))).dump(2) + "\n";
  const std::string out = imcsim::test::scratch_path("runner_out");
  const imcsim::test::RunResult cli = imcsim::test::run_imcsim(
      "run --model mlp --images 200 --drift-times 1h --seed 7 --threads 2 --no-timeline --out '" + out + "'");
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(report, imcsim::test::read_file(out + "/report.json"));
  EXPECT_FALSE(imcsim::chip::can_simulate());
}

TEST(RunLibrary, AccuracyPathRunsTwiceInOneProcessWithoutSystemC) {
  const imcsim::runner::PreparedRun prepared = imcsim::runner::prepare(mlp_request(100));
  const imcsim::runner::RunAccuracy first = imcsim::runner::evaluate_accuracy(prepared);
  const imcsim::runner::RunAccuracy second = imcsim::runner::evaluate_accuracy(prepared);
  ASSERT_EQ(first.result.analog.size(), 1u);
  ASSERT_EQ(second.result.analog.size(), 1u);
  EXPECT_EQ(first.result.images, 100);
  EXPECT_EQ(first.result.fp32_top1, second.result.fp32_top1);
  EXPECT_EQ(first.result.analog[0].top1, second.result.analog[0].top1);
  EXPECT_EQ(first.result.analog[0].top1_no_compensation, second.result.analog[0].top1_no_compensation);
  EXPECT_EQ(first.result.analog[0].differing_images, second.result.analog[0].differing_images);
  EXPECT_GT(first.result.analog[0].top1, 0.5);
  // Another seed draws other device noise: the same call, another chip.
  RunRequest other = mlp_request(100);
  other.seed = 8;
  const imcsim::runner::RunAccuracy reseeded = imcsim::runner::evaluate_accuracy(imcsim::runner::prepare(other));
  EXPECT_EQ(reseeded.result.fp32_top1, first.result.fp32_top1);
  EXPECT_TRUE(imcsim::chip::can_simulate()) << "the accuracy path elaborated SystemC";
}

TEST(RunLibrary, LoopsGetTheSameReportHereAndFromAWorker) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  RunRequest request = mlp_request(100);
  request.chip = imcsim::chip::load_chip_config("hermes64", {"adc.bits=7"});
  ASSERT_TRUE(imcsim::chip::can_simulate());
  const nlohmann::ordered_json here = imcsim::runner::run_report(request);
  ASSERT_FALSE(imcsim::chip::can_simulate());
  const nlohmann::ordered_json worker = imcsim::runner::run_report(request);
  EXPECT_EQ(here.dump(2), worker.dump(2));
  // A timing-only candidate in the same loop: the worker runs no accuracy path.
  request.timing_only = true;
  const nlohmann::ordered_json timing = imcsim::runner::run_report(request);
  EXPECT_TRUE(timing["accuracy"].contains("absent"));
  EXPECT_EQ(timing["latency"], here["latency"]);
}

TEST(RunLibrary, AWorkerReadsTheSameRangeCalibration) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  RunRequest request = mlp_request(100);
  const imcsim::runner::PreparedRun prepared = imcsim::runner::prepare(request);
  const imcsim::chip::AnalogModel model(
      prepared.chip, imcsim::workloads::weight_layers(*prepared.graph), prepared.mapping,
      imcsim::chip::capture_layer_inputs(*prepared.graph, imcsim::workloads::load_fashion_mnist("train", 32).samples));
  imcsim::chip::RangeCalibration ranges = model.ranges("mlp", "hermes64");
  for (auto& l : ranges.layers)
    for (auto& t : l.tiles) t.input_range = *t.input_range * 0.05f;
  const std::string file = imcsim::test::scratch_path("runner_ranges") + ".yaml";
  std::ofstream(file) << imcsim::chip::to_yaml(ranges);
  const imcsim::runner::RunAccuracy plain = imcsim::runner::evaluate_accuracy(prepared);
  request.range_calibration = file;
  const nlohmann::ordered_json here = imcsim::runner::run_report(request);
  const nlohmann::ordered_json worker = imcsim::runner::run_report(request);
  EXPECT_EQ(here.dump(2), worker.dump(2));
  EXPECT_EQ(worker["accuracy"]["range_calibration"]["file"], file);
  EXPECT_NE(worker["accuracy"]["analog"][0]["top1"].get<double>(), plain.result.analog[0].top1);
}

TEST(RunLibrary, ALoopOfCandidatesRunsOnWorkersInOrder) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  std::vector<RunRequest> candidates;
  for (const char* bits : {"adc.bits=6", "adc.bits=8", "adc.bits=6"}) {
    RunRequest request = mlp_request(100);
    request.chip = imcsim::chip::load_chip_config("hermes64", {bits});
    candidates.push_back(request);
  }
  const std::vector<nlohmann::ordered_json> reports = imcsim::runner::run_reports(candidates, 2);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_FALSE(imcsim::chip::can_simulate()) << "one candidate ran in this process";
  EXPECT_EQ(reports[0].dump(), reports[2].dump()) << "the same candidate, here and in a worker";
  EXPECT_NE(reports[0]["energy"].dump(), reports[1]["energy"].dump()) << "6-bit and 8-bit ADCs cost the same";
  for (const auto& r : reports) EXPECT_EQ(r["accuracy"]["images"], 100);
}

TEST(RunLibrary, AWorkerFindsATechnologyFileNamedRelativeToTheChipFile) {
  ASSERT_FALSE(imcsim::test::binary().empty()) << "IMCSIM_BINARY is not set";
  namespace fs = std::filesystem;
  const fs::path dir = imcsim::test::scratch_path("runner_chip");
  fs::create_directories(dir);
  fs::copy_file(imcsim::chip::preset_directory() + "/technology/hermes14nm.yaml", dir / "tech.yaml",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir / "chip.yaml") << "name: relative\ntechnology: tech.yaml\n";
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  RunRequest request = mlp_request(10);
  request.chip = imcsim::chip::load_chip_config("chip.yaml");
  request.timing_only = true;
  ASSERT_EQ(request.chip.technology_file, "tech.yaml");
  const nlohmann::ordered_json here = imcsim::runner::run_report(request);
  const nlohmann::ordered_json worker = imcsim::runner::run_report(request);
  fs::current_path(before);
  EXPECT_EQ(here.dump(2), worker.dump(2));
}

TEST(RunLibrary, BadInputThrowsBeforeAnythingRuns) {
  RunRequest unknown = mlp_request(10);
  unknown.model = "no-such-model";
  EXPECT_THROW(imcsim::runner::prepare(unknown), imcsim::InputError);
  RunRequest both = mlp_request(10);
  both.workload = "workloads/shapes/cnn.yaml";
  EXPECT_THROW(imcsim::runner::prepare(both), imcsim::InputError);
  RunRequest too_small = mlp_request(10);
  too_small.chip = imcsim::chip::load_chip_config("hermes64", {"cores.count=1", "interconnect.grid_x=1",
                                                               "interconnect.grid_y=1"});
  EXPECT_THROW(imcsim::runner::prepare(too_small), imcsim::ParameterError);
  RunRequest no_drift = mlp_request(10);
  no_drift.drift_times_s.clear();
  EXPECT_THROW(imcsim::runner::prepare(no_drift), imcsim::ParameterError);
  RunRequest no_calibration = mlp_request(10);
  no_calibration.calibration_images = 0;
  EXPECT_THROW(imcsim::runner::prepare(no_calibration), imcsim::ParameterError);
  RunRequest no_ranges = mlp_request(10);
  no_ranges.range_calibration = "/nonexistent/ranges.yaml";
  EXPECT_THROW(imcsim::runner::prepare(no_ranges), imcsim::InputError);
  EXPECT_TRUE(imcsim::chip::can_simulate());
}

}  // namespace
