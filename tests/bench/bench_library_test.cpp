// The benchmarks of the plain bench library (bench/) called directly, on inputs small enough for a unit test: the
// full-load Program, the replay, accuracy and update benchmarks' JSON (its keys in the order `imcsim bench` prints
// them), and reading a worker process's JSON.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "bench/accuracy_bench.h"
#include "bench/full_load.h"
#include "bench/replay_bench.h"
#include "bench/update_bench.h"
#include "bench/worker.h"
#include "chip/chip_config.h"

namespace {

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  return keys;
}

TEST(BenchLibrary, FullLoadProgramHasCoresTimesMvmsMvmsCoreByCore) {
  const imcsim::firmware::Program p = imcsim::bench::full_load_program(4, 256, 128, 3);
  EXPECT_EQ(p.name, "full_load");
  ASSERT_EQ(p.instructions.size(), 12u);
  for (std::size_t i = 0; i < p.instructions.size(); ++i) {
    const imcsim::firmware::Instruction& in = p.instructions[i];
    EXPECT_EQ(in.op, imcsim::firmware::Op::mvm) << i;
    EXPECT_EQ(in.core, static_cast<int>(i / 3)) << i;
    EXPECT_EQ(in.rows, 256) << i;
    EXPECT_EQ(in.cols, 128) << i;
  }
}

TEST(BenchLibrary, ReplayOnATinyTraceGivesItsKeysInOrder) {
  const nlohmann::ordered_json j = imcsim::bench::replay_benchmark(imcsim::chip::load_chip_config("hermes64"), 100);
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"benchmark", "model", "chip", "inferences", "events", "build_s",
                                                  "replay_s", "events_per_s", "replay_s_each", "events_per_s_first",
                                                  "records_s", "events_per_s_with_records", "simulated_ns"}));
  EXPECT_EQ(j["benchmark"], "replay");
  EXPECT_EQ(j["chip"], "hermes64");
  EXPECT_GE(j["inferences"].get<int>(), 1);
  EXPECT_GE(j["events"].get<std::size_t>(), 100u);
  EXPECT_EQ(j["replay_s_each"].size(), 3u);
  EXPECT_GT(j["simulated_ns"].get<double>(), 0.0);
}

TEST(BenchLibrary, AccuracyOnFewImagesGivesItsKeysInOrder) {
  const nlohmann::ordered_json j = imcsim::bench::accuracy_benchmark(20);
  EXPECT_EQ(keys_of(j), (std::vector<std::string>{"benchmark", "model", "chip", "images", "threads", "reference_s",
                                                  "chip_s", "programming_s", "ratio", "fp32_top1", "chip_top1"}));
  EXPECT_EQ(j["benchmark"], "accuracy");
  EXPECT_EQ(j["chip"], "hermes64");
  EXPECT_EQ(j["images"].get<int>(), 20);
  EXPECT_GE(j["chip_top1"].get<double>(), 0.0);
  EXPECT_LE(j["chip_top1"].get<double>(), 1.0);
}

TEST(BenchLibrary, UpdateGivesItsKeysPulsesAndTheMlpTrainingRate) {
  imcsim::bench::BenchOptions options;
  options.min_time_s = 1e-4;
  options.repetitions = 1;
  const nlohmann::ordered_json j = imcsim::bench::run_update_benchmark(options);
  EXPECT_EQ(keys_of(j),
            (std::vector<std::string>{"benchmark", "rows", "cols", "pulse_length", "update_management", "learning_rate",
                                      "device", "dense_s", "pulsed_s", "ratio", "ratio_target", "per_update",
                                      "breakdown", "batched", "mlp_training_step"}));
  EXPECT_EQ(j["benchmark"], "update");
  const auto& per_update = j["per_update"];
  EXPECT_EQ(per_update["slots"].get<double>(), 31.0);
  EXPECT_EQ(per_update["firing_words"].get<double>(), 31.0 * 512 / 4);
  // lr |x|_1 |d|_1 / dw_min with x ~ U[0, 1], |d| ~ 0.008: about 2600 pulses, within a few percent of the formula.
  const double expected = per_update["coincidences_expected"].get<double>();
  EXPECT_GT(expected, 2000.0);
  EXPECT_NEAR(per_update["coincidences"].get<double>(), expected, 0.05 * expected);
  EXPECT_GT(j["pulsed_s"].get<double>(), 0.0);
  // The whole MLP: 50 minibatches of 10 on fc1's four tiles, fc2's and fc3's.
  const auto& mlp = j["mlp_training_step"];
  EXPECT_EQ(mlp["images"], 500);
  EXPECT_EQ(mlp["analog_tiles"], 6);
  EXPECT_GT(mlp["pulsed_s_per_minibatch"].get<double>(), 0.0);
  EXPECT_GT(mlp["digital_s_per_minibatch"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(mlp["updates_per_s"].get<double>(), 6 * mlp["images_per_s"].get<double>());
}

TEST(BenchLibrary, LstmTrainingComparesThePulsedAndTheDigitalTrainer) {
  imcsim::bench::BenchOptions options;
  options.repetitions = 1;
  const nlohmann::ordered_json j = imcsim::bench::run_benchmark("lstm-training", options);
  EXPECT_EQ(j["benchmark"], "lstm-training");
  EXPECT_EQ(j["images"], 500);
  EXPECT_EQ(j["analog_tiles"], 3);  // the LSTM's 156 x 512 product on two tiles, the fully connected layer on one
  EXPECT_GT(j["pulsed_s_per_minibatch"].get<double>(), 0.0);
  EXPECT_GT(j["digital_s_per_minibatch"].get<double>(), 0.0);
  // A sequence is 28 steps on each of the LSTM's two tiles and one sample on the fully connected layer's.
  EXPECT_NEAR(j["updates_per_s"].get<double>() / j["images_per_s"].get<double>(), 57.0, 1e-9);
}

TEST(BenchLibrary, RunWorkerParsesStandardOutputAndRethrowsAFailureWithStandardError) {
  EXPECT_EQ(imcsim::bench::run_worker("/bin/sh", {"-c", "echo '{\"a\": 1}'"})["a"], 1);
  try {
    imcsim::bench::run_worker("/bin/sh", {"-c", "echo broken >&2; exit 3"});
    FAIL() << "no error";
  } catch (const imcsim::Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos) << e.what();
  }
}

}  // namespace
