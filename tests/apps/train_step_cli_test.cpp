// `imcsim run --train-step` (docs/training-step.md): the training_step section of report.json, its chart in
// report.html, the inference figures it leaves alone, and its bad input. Runs the built binary (IMCSIM_BINARY).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::contains;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;
using imcsim::test::scratch_path;
using Json = nlohmann::json;

/// report.json of `imcsim run --model MODEL --timing-only <extra> --out DIR` (DIR also holds report.html).
Json run_model(const std::string& model, const std::string& extra, const std::string& purpose) {
  const std::string dir = scratch_path(purpose);
  const auto r = run_imcsim("run --model " + model + " --timing-only " + extra + " --out '" + dir + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Json report = Json::parse(read_file(dir + "/report.json"));
  report["html"] = read_file(dir + "/report.html");
  return report;
}

Json run_mlp(const std::string& extra, const std::string& purpose) { return run_model("mlp", extra, purpose); }

double phase(const Json& step, const std::string& name, const std::string& key) {
  for (const auto& p : step.at("phases")) {
    if (p.at("name") == name) return p.at(key).get<double>();
  }
  ADD_FAILURE() << "no phase " << name;
  return 0;
}

TEST(TrainStepCli, ReportsEveryPhaseAndLayer) {
  const Json r = run_mlp("--train-step --batch 10", "bl31");
  ASSERT_TRUE(r.contains("training_step")) << r.dump();
  const Json& t = r["training_step"];
  EXPECT_EQ(t["batch"], 10);
  EXPECT_EQ(t["pulse_length"], 31);
  ASSERT_EQ(t["phases"].size(), 3u);
  EXPECT_EQ(t["phases"][0]["name"], "forward");
  EXPECT_EQ(t["phases"][1]["name"], "backward");
  EXPECT_EQ(t["phases"][2]["name"], "update");
  for (const auto& p : t["phases"]) {
    EXPECT_GT(p["latency_ns"].get<double>(), 0) << p.dump();
    EXPECT_GT(p["busy_ns"].get<double>(), 0) << p.dump();
    EXPECT_GT(p["energy_uj"].get<double>(), 0) << p.dump();
    EXPECT_LE(p["end_ns"].get<double>(), t["minibatch"]["latency_ns"].get<double>() + 1e-6);
  }
  ASSERT_EQ(t["layers"].size(), 3u);
  const char* names[] = {"fc1", "fc2", "fc3"};
  for (std::size_t k = 0; k < 3; ++k) {
    const Json& l = t["layers"][k];
    EXPECT_EQ(l["name"], names[k]);
    ASSERT_EQ(l["phases"].size(), 3u);
    for (const auto& p : l["phases"]) EXPECT_GT(p["energy_uj"].get<double>(), 0) << names[k] << " " << p.dump();
    EXPECT_GT(l["update_energy_uj"]["coincidences"].get<double>(), 0);
  }
  const Json& m = t["minibatch"];
  EXPECT_GT(m["latency_ns"].get<double>(), 0);
  EXPECT_NEAR(m["images_per_s"].get<double>(), 10 * 1e9 / m["latency_ns"].get<double>(), 1e-6);
  EXPECT_GT(m["breakdown_uj"]["static"].get<double>(), 0);
  // The minibatch's dynamic energy is its phases'.
  double dynamic = m["energy_uj"].get<double>() - m["breakdown_uj"]["static"].get<double>();
  for (const auto& p : t["phases"]) dynamic -= p["energy_uj"].get<double>();
  EXPECT_NEAR(dynamic, 0, 1e-9);
  EXPECT_TRUE(contains(t["activity"]["source"].get<std::string>(), "expected")) << t["activity"].dump();
  ASSERT_EQ(t["activity"]["layers"].size(), 3u);
  EXPECT_EQ(t["activity"]["layers"][0]["tiles_per_update"].size(), 4u);
  EXPECT_EQ(t["activity"]["layers"][0]["tiles_per_update"][0]["slots"], 31);

  const std::string html = r["html"].get<std::string>();
  EXPECT_TRUE(contains(html, "id=\"training-step-chart\"")) << "no training-step chart in report.html";
  EXPECT_TRUE(contains(html, "id=\"training-step-energy-chart\""));
}

TEST(TrainStepCli, UpdatePhaseGrowsWithThePulseLength) {
  const Json short_trains = run_mlp("--train-step --batch 10 --pulse-length 31", "bl31");
  const Json long_trains = run_mlp("--train-step --batch 10 --pulse-length 62", "bl62");
  const Json& a = short_trains["training_step"];
  const Json& b = long_trains["training_step"];
  EXPECT_EQ(b["pulse_length"], 62);
  // Busy time of the updates: 6 tiles x 10 samples x 31 more slots of 1.5 ns each.
  EXPECT_NEAR(phase(b, "update", "busy_ns") - phase(a, "update", "busy_ns"), 6 * 10 * 31 * 1.5, 1e-6);
  EXPECT_GT(phase(b, "update", "latency_ns"), phase(a, "update", "latency_ns"));
  EXPECT_GT(phase(b, "update", "energy_uj"), phase(a, "update", "energy_uj"));
  EXPECT_EQ(phase(b, "forward", "busy_ns"), phase(a, "forward", "busy_ns"));
  EXPECT_GT(b["minibatch"]["latency_ns"].get<double>(), a["minibatch"]["latency_ns"].get<double>());
}

TEST(TrainStepCli, TheLstmTrainsThroughTimeOnItsTiles) {
  // The zoo lstm: its 156 x 512 matrix on two tiles, fc on one; B x T = 2 x 28 sample updates per LSTM tile.
  const Json a = run_model("lstm", "--train-step --batch 2 --pulse-length 31", "lstm31")["training_step"];
  const Json b = run_model("lstm", "--train-step --batch 2 --pulse-length 62", "lstm62")["training_step"];
  ASSERT_EQ(a["layers"].size(), 2u) << a.dump();
  EXPECT_EQ(a["layers"][0]["name"], "lstm");
  EXPECT_EQ(a["layers"][0]["cores"], 2);
  EXPECT_EQ(a["layers"][1]["cores"], 1);
  ASSERT_EQ(a["activity"]["layers"][0]["tiles_per_update"].size(), 2u);
  for (const auto& l : a["layers"]) {
    for (const auto& p : l["phases"]) EXPECT_GT(p["energy_uj"].get<double>(), 0) << l.dump();
  }
  // 31 more slots of 1.5 ns for each of (2 tiles x 2 x 28 + 2) sample updates.
  EXPECT_NEAR(phase(b, "update", "busy_ns") - phase(a, "update", "busy_ns"), (2 * 2 * 28 + 2) * 31 * 1.5, 1e-6);
  EXPECT_EQ(phase(b, "backward", "busy_ns"), phase(a, "backward", "busy_ns"));
  // Back-propagation through 28 steps takes longer than the forward pass's share of one sample.
  EXPECT_GT(phase(a, "backward", "latency_ns"), 0.5 * phase(a, "forward", "latency_ns"));
}

TEST(TrainStepCli, InferenceFiguresAreTheSameWithATrainingStep) {
  const Json with = run_mlp("--train-step --batch 4", "with");
  const Json without = run_mlp("", "without");
  EXPECT_FALSE(without.contains("training_step"));
  for (const char* key : {"latency", "throughput", "energy", "programming", "utilisation"}) {
    EXPECT_EQ(with[key], without[key]) << key;
  }
  EXPECT_FALSE(contains(without["html"].get<std::string>(), "training-step-chart"));
}

TEST(TrainStepCli, BadInputExitsTwoNamingTheOption) {
  for (const auto& [args, option] :
       std::initializer_list<std::pair<const char*, const char*>>{{"--train-step --batch 0", "--batch"},
                                                                  {"--train-step --batch 5000", "--batch"},
                                                                  {"--train-step --pulse-length 0", "--pulse-length"},
                                                                  {"--batch 4", "--batch"},
                                                                  {"--pulse-length 4", "--pulse-length"},
                                                                  {"--train-step --trace t.trace", "--trace"}}) {
    const auto r = run_imcsim(std::string("run --model mlp --timing-only ") + args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_TRUE(contains(r.err, option)) << args << ": " << r.err;
  }
  const auto cnn = run_imcsim("run --model cnn --timing-only --train-step");
  EXPECT_EQ(cnn.exit_code, 2) << cnn.err;
  EXPECT_TRUE(contains(cnn.err, "--train-step")) << cnn.err;
}

}  // namespace
