// `imcsim train --model char-lstm` (docs/analog-training.md) as a user runs it: a short run on the fortunes corpus,
// digital and on the chip's pulsed arrays, writes the ONNX file and a summary scored in bits per character on the
// whole test split; the image and text options are not mixed up (exit 2 naming the option).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/apps/cli_run.h"

namespace imcsim {
namespace {

using test::contains;
using test::run_imcsim;
using test::scratch_path;

class CharLstmCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(test::binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(CharLstmCli, TrainsDigitallyAndScoresTheWrittenFileInBitsPerCharacter) {
  const std::string onnx = scratch_path("char_lstm") + ".onnx";
  const test::RunResult r = run_imcsim(
      "train --model char-lstm --train-sequences 32 --batch 8 --epochs 1 "
      "--optimizer adam --lr 0.01 --threads 2 --out " +
      onnx);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["train_sequences"], 32);
  EXPECT_EQ(j["test_sequences"], 1303);
  const double bits = j["test_bits_per_char"].get<double>();  // the written file, run by the reference executor
  EXPECT_LT(bits, std::log2(98.0));
  EXPECT_GT(bits, 2.0);
  EXPECT_NEAR(bits, j["test_bits_per_char_trainer"].get<double>(), 1e-3);
  EXPECT_EQ(j["curve"][0]["test_bits_per_char"].get<double>(), j["test_bits_per_char_trainer"].get<double>());
  EXPECT_TRUE(std::filesystem::exists(onnx));
}

TEST_F(CharLstmCli, TrainsOnThePulsedArrays) {
  const std::string onnx = scratch_path("char_lstm_analog") + ".onnx";
  const test::RunResult r = run_imcsim(
      "train --analog --model char-lstm --train-sequences 16 --batch 8 --epochs 1 "
      "--lr 0.1 --update-management --bl-management --threads 2 --out " +
      onnx);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "char-lstm");
  EXPECT_EQ(j["train_sequences"], 16);
  const double arrays = j["test_bits_per_char_arrays"].get<double>();
  EXPECT_LT(arrays, std::log2(98.0) + 0.5);
  EXPECT_NEAR(arrays, j["test_bits_per_char_fp32_of_effective_weights"].get<double>(), 0.5);
  EXPECT_EQ(j["curve"][0]["test_bits_per_char"].get<double>(), arrays);
  ASSERT_EQ(j["update_activity_this_run"].size(), 3u);  // lstm1, lstm2, fc
  for (const auto& layer : j["update_activity_this_run"]) EXPECT_EQ(layer["sample_updates"], 1600) << layer["layer"];
}

TEST_F(CharLstmCli, ImageAndTextOptionsAreNotMixedUp) {
  const std::string onnx = scratch_path("char_lstm_bad") + ".onnx";
  test::expect_refused_without_output(
      {
          {"train --model char-lstm --train-images 10", "--train-images"},
          {"train --model mlp --train-sequences 10", "--train-sequences"},
          {"train --analog --model char-lstm --train-images 10", "--train-images"},
      },
      onnx);
}

}  // namespace
}  // namespace imcsim
