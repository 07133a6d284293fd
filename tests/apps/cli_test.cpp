// Tests of the imcsim command line: runs the built binary (IMCSIM_BINARY) as a user would, with stdout and
// stderr captured in files, and checks exit codes, JSON output and error messages.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "tests/apps/cli_run.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

using imcsim::test::binary;
using imcsim::test::contains;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;
using imcsim::test::RunResult;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set"; }
};

TEST_F(Cli, HelpListsTheSubcommands) {
  const RunResult r = run_imcsim("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* command : {"device", "bench", "demo"})
    EXPECT_TRUE(contains(r.out, command)) << command << "\n" << r.out;
}

TEST_F(Cli, NoSubcommandFails) {
  const RunResult r = run_imcsim("");
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(Cli, DevicePcmPrintsOneJsonObject) {
  const RunResult r = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 20000 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;  // one document, nothing before or after
  ASSERT_TRUE(j.is_object()) << r.out;
  for (const char* key : {"g_target_us", "g_prog_mean_us", "g_prog_std_us", "nu_mean", "nu_std", "g_drift_mean_us",
                          "g_drift_std_us", "read_noise_std_us"}) {
    ASSERT_TRUE(j.contains(key)) << key << " missing in\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  EXPECT_EQ(j["g_target_us"].get<double>(), 12.5);  // 0.5 x g_max = 25 uS
  EXPECT_GT(j["g_prog_std_us"].get<double>(), 0.0);
  EXPECT_GT(j["nu_mean"].get<double>(), 0.0);
  EXPECT_LT(j["g_drift_mean_us"].get<double>(), j["g_prog_mean_us"].get<double>());  // drift lowers G after 1 h
}

TEST_F(Cli, DeviceOutputIsDeterministic) {
  const std::string args = "device --model pcm --g 0.5 --t 3600 --samples 20000 --seed 3";
  const RunResult first = run_imcsim(args);
  const RunResult second = run_imcsim(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_FALSE(first.out.empty());
  EXPECT_EQ(first.out, second.out);
}

TEST_F(Cli, DeviceSeedChangesTheDraws) {
  const RunResult a = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 2000 --seed 3");
  const RunResult b = run_imcsim("device --model pcm --g 0.5 --t 3600 --samples 2000 --seed 4");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(nlohmann::json::parse(a.out)["g_prog_mean_us"], nlohmann::json::parse(b.out)["g_prog_mean_us"]);
}

TEST_F(Cli, ConfigListsAndShowsTheTrainingDevice) {
  const RunResult keys = run_imcsim("config keys");
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  for (const char* key :
       {"model", "dw_min", "up_down", "w_max", "w_min", "gamma_up", "gamma_down", "dw_min_dtod", "up_down_dtod",
        "w_bounds_dtod", "dw_min_std", "zero_shift_pulse_pairs", "reference_programming_std"}) {
    EXPECT_TRUE(contains(keys.out, "\ntraining_device." + std::string(key) + " ")) << key << "\n" << keys.out;
  }
  const RunResult ideal = run_imcsim("config show --chip ideal");
  ASSERT_EQ(ideal.exit_code, 0) << ideal.err;
  EXPECT_TRUE(contains(ideal.out, "\ntraining_device:\n  model: constant-step\n  dw_min: 0.001\n")) << ideal.out;
  EXPECT_TRUE(contains(ideal.out, "\n  dw_min_std: 0\n")) << ideal.out;
  const RunResult reversed = run_imcsim("config show --set training_device.w_max=-0.7");
  EXPECT_EQ(reversed.exit_code, 2);
  EXPECT_TRUE(contains(reversed.err, "--set: 'training_device.w_max': ")) << reversed.err;
  EXPECT_TRUE(contains(reversed.err, "must be above training_device.w_min")) << reversed.err;
}

TEST_F(Cli, DeviceErrorsStillNameTheDeviceKey) {
  const RunResult r = run_imcsim("device --model soft-bounds --w-max 0.4 --w-min 0.5 --samples 100");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "device.w_max")) << r.err;
  EXPECT_FALSE(contains(r.err, "training_device")) << r.err;
}

TEST_F(Cli, DeviceSoftBoundsSymmetryPoint) {
  const RunResult r = run_imcsim("device --model soft-bounds --up-down 0.2 --g 0.5 --samples 1000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;
  for (const char* key : {"dw_up_mean", "dw_down_mean", "symmetry_point"}) {
    ASSERT_TRUE(j.contains(key)) << key << " missing in\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  // w_max = 1, w_min = -1: w* = (a+ - a-) / (a+ / w_max - a- / w_min) = 0.4 dw / (2 dw) = 0.2.
  EXPECT_NEAR(j["symmetry_point"].get<double>(), 0.2, 1e-4);
  // At g = 0.5 (w = 0, below w*) an up step is larger than a down step.
  EXPECT_GT(j["dw_up_mean"].get<double>(), j["dw_down_mean"].get<double>());
}

TEST_F(Cli, DeviceZeroShiftPrintsTheConvergenceInsteadOfTheStateStats) {
  const RunResult r = run_imcsim(
      "device --model soft-bounds --up-down 0.176 --w-max 0.6 --w-min -0.6 --dw-min-dtod 0.3 --w-bounds-dtod 0.3 "
      "--samples 512 --zero-shift-pairs 3000 --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;
  for (const char* key :
       {"within_one_dw_min", "error_median_dw_min", "error_p95_dw_min", "error_max_dw_min", "within_one_own_step",
        "error_median_own_steps", "error_p95_own_steps", "analytic_abs_mean"}) {
    ASSERT_TRUE(j.contains(key)) << key << " missing in\n" << r.out;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  EXPECT_EQ(j["devices"], 512);
  EXPECT_EQ(j["pulse_pairs"], 3000);
  EXPECT_FALSE(j.contains("dw_up_mean")) << r.out;
  EXPECT_GT(j["within_one_dw_min"].get<double>(), 0.8);
}

TEST_F(Cli, DeviceZeroShiftRejectsBadPairCountsNamingTheOption) {
  for (const char* bad : {"0", "-5", "100000000", "many"}) {
    const RunResult r = run_imcsim(std::string("device --model soft-bounds --samples 100 --zero-shift-pairs ") + bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_TRUE(contains(r.err, "--zero-shift-pairs")) << bad << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  const RunResult inference = run_imcsim("device --model pcm --samples 100 --zero-shift-pairs 10");
  EXPECT_EQ(inference.exit_code, 2);
  EXPECT_TRUE(contains(inference.err, "--zero-shift-pairs")) << inference.err;
  const RunResult with_state = run_imcsim("device --model soft-bounds --g 0.3 --samples 100 --zero-shift-pairs 10");
  EXPECT_EQ(with_state.exit_code, 2);
  EXPECT_TRUE(contains(with_state.err, "--zero-shift-pairs")) << with_state.err;
}

TEST_F(Cli, UnknownModelFailsNamingTheOption) {
  const RunResult r = run_imcsim("device --model nosuch");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--model")) << r.err;
  EXPECT_TRUE(contains(r.err, "nosuch")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, OutOfRangeConductanceFails) {
  const RunResult r = run_imcsim("device --model pcm --g 1.5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--g")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(Cli, UnknownBenchmarkFails) {
  const RunResult r = run_imcsim("bench nosuch");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "nosuch")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace

namespace {

double layer_latency(const std::string& extra) {
  const RunResult r = run_imcsim("layer --in 2304 --out 256 " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out)["latency_ns"].get<double>();
}

TEST_F(Cli, ChipPrintsThePeakFigures) {
  const RunResult r = run_imcsim("chip");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["cores"].get<int>(), 64);
  EXPECT_EQ(j["weights_capacity"].get<long>(), 4194304);
  for (const char* mode : {"one_phase", "four_phase"}) {
    for (const char* key : {"peak_tops", "peak_tops_per_w", "peak_tops_per_mm2", "mvm_latency_ns", "mvm_energy_nj"}) {
      EXPECT_TRUE(j["read_modes"][mode][key].is_number()) << mode << "." << key;
    }
  }
}

TEST_F(Cli, LayerReportsLatencyEnergyAndUtilisation) {
  const RunResult r = run_imcsim("layer --in 256 --out 256");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"latency_ns", "energy_uj", "cores_used", "cell_utilisation", "busy_utilisation"}) {
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  const auto& b = j["energy_breakdown_uj"];
  const double mvm_uj = b["array"].get<double>() + b["adc"].get<double>() + b["dac"].get<double>();
  EXPECT_NEAR(mvm_uj, 0.0134, 0.0001);
  EXPECT_GT(b["digital"].get<double>(), 0.0);
}

TEST_F(Cli, LayerOutputIsDeterministic) {
  const RunResult a = run_imcsim("layer --in 2304 --out 256");
  const RunResult b = run_imcsim("layer --in 2304 --out 256");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

TEST_F(Cli, QuantumDoesNotMoveTheLatency) {
  const double reference = layer_latency("--set sim.quantum_ns=1000");
  for (const char* quantum : {"100", "10000"}) {
    const double latency = layer_latency(std::string("--set sim.quantum_ns=") + quantum);
    EXPECT_NEAR(latency, reference, 0.01 * reference) << "quantum " << quantum << " ns";
  }
}

TEST_F(Cli, InvalidChipConfigFailsWithFileLineAndKey) {
  const std::string path = ::testing::TempDir() + "imcsim_bad_chip_" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << "cores:\n  rows: 128\n  colz: 4\n";
  const RunResult r = run_imcsim("chip --chip '" + path + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(contains(r.err, path + ":3:3: 'cores.colz': unknown key")) << r.err;
  const RunResult bad_set = run_imcsim("layer --set adc.bits=99");
  EXPECT_NE(bad_set.exit_code, 0);
  EXPECT_TRUE(bad_set.out.empty()) << bad_set.out;
  EXPECT_TRUE(contains(bad_set.err, "'adc.bits'")) << bad_set.err;
}

}  // namespace

namespace {

TEST_F(Cli, NocReportsLatencyThroughputAndConservesPackets) {
  const RunResult r = run_imcsim(
      "noc --topology mesh --traffic uniform --rates 0.01,0.2 --packet-flits 8 --cycles 2000 "
      "--warmup 500 --drain-limit 50000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["points"].size(), 2u);
  const auto& low = j["points"][0];
  const auto& high = j["points"][1];
  for (const auto* p : {&low, &high}) {
    for (const char* key :
         {"rate", "avg_latency_cycles", "max_latency_cycles", "throughput_flits_per_node_cycle", "energy_uj"}) {
      EXPECT_TRUE((*p)[key].is_number()) << key;
    }
    EXPECT_EQ((*p)["injected_packets"], (*p)["delivered_packets"]);
  }
  EXPECT_GT(high["avg_latency_cycles"].get<double>(), 5 * low["avg_latency_cycles"].get<double>());
  // Past saturation the accepted throughput stays far below the offered 0.2 x 8 flits per node and cycle.
  EXPECT_LT(high["throughput_flits_per_node_cycle"].get<double>(), 0.6);
}

TEST_F(Cli, ValidateHermesPassesEveryFigureWithinItsTolerance) {
  const RunResult r = run_imcsim("validate hermes --json");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 25u);
  for (const auto& row : j) {
    const std::string figure = row["figure"];
    const bool held_out = figure.rfind("LSTM step latency", 0) == 0 || figure.rfind("LSTM step energy", 0) == 0;
    const double tolerance = !held_out ? 0.10 : figure.find("latency") != std::string::npos ? 0.15 : 0.25;
    EXPECT_DOUBLE_EQ(row["tolerance"].get<double>(), tolerance) << figure;
    EXPECT_TRUE(row["within"].get<bool>()) << figure;
    EXPECT_LE(std::abs(row["ratio"].get<double>() - 1.0), tolerance) << figure;
  }
}

TEST_F(Cli, ValidateHermesExitsOneWhenAFigureIsOutsideItsTolerance) {
  // The fitted static power doubled: the layer energies leave their tolerance, the peaks (MVM only) do not.
  const std::string path = ::testing::TempDir() + "imcsim_static_doubled_" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << "static:\n  core_power_mw: 189.4\n";
  const RunResult r = run_imcsim("validate hermes --json --set technology=" + path);
  std::remove(path.c_str());
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const auto& row : nlohmann::json::parse(r.out)) {
    const std::string figure = row["figure"];
    EXPECT_EQ(row["within"].get<bool>(), figure.find("energy,") == std::string::npos) << figure;
  }
  const RunResult table = run_imcsim("validate hermes --set digital.accumulate_pipeline_stages=60");
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_TRUE(contains(table.out, "OUTSIDE")) << table.out;
  EXPECT_TRUE(contains(table.out, "figure(s) outside their tolerance")) << table.out;
}

TEST_F(Cli, LayerRejectsSizesItCannotMapBeforeAllocatingThem) {
  const RunResult odd = run_imcsim("layer --lstm --in 1008 --out 2014");
  EXPECT_EQ(odd.exit_code, 2);
  EXPECT_TRUE(contains(odd.err, "layer.out")) << odd.err;
  const RunResult small = run_imcsim("layer --lstm --in 500 --out 2016");
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_TRUE(contains(small.err, "layer.in")) << small.err;
  // 60000 x 60000 zero weights would be 14 GB: the chip's capacity is checked first.
  const RunResult huge = run_imcsim("layer --in 60000 --out 60000");
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_TRUE(contains(huge.err, "needs 55225 cores")) << huge.err;
}

TEST_F(Cli, ValidateHermesFitRecoversThePresetsValues) {
  const RunResult r = run_imcsim("validate hermes --fit --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["latency"][0]["key"], "chip config digital.accumulate_pipeline_stages");
  EXPECT_NEAR(j["latency"][0]["value"].get<double>(), 22.17, 0.01);
  EXPECT_LT(j["linearity_ns"].get<double>(), 0.01);
  EXPECT_EQ(j["static_power"][0]["key"], "technology static.core_power_mw");
  EXPECT_TRUE(j["static_power"][0]["chosen"].get<bool>());
  EXPECT_NEAR(j["static_power"][0]["value"].get<double>(), 94.7, 0.05);
  EXPECT_LT(j["static_power"][0]["rms_residual"].get<double>(), 0.02);
  EXPECT_FALSE(j["static_power"][1]["chosen"].get<bool>());
  // The fit does not depend on the values it fits: start it from other ones.
  const RunResult moved = run_imcsim("validate hermes --fit --json --set digital.accumulate_pipeline_stages=3");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NEAR(nlohmann::json::parse(moved.out)["latency"][0]["value"].get<double>(), 22.17, 0.01);
}

}  // namespace

namespace {

TEST_F(Cli, LayerWritesTimelineAndStatisticsOnlyOnSuccess) {
  const std::string base = ::testing::TempDir() + "imcsim_layer_" + std::to_string(getpid());
  const RunResult ok = run_imcsim("layer --in 512 --out 256 --trace-out '" + base + ".trace.json' --stats-out '" +
                                  base + ".stats.json' --vcd-out '" + base + ".vcd'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json trace = nlohmann::json::parse(read_file(base + ".trace.json"));
  int mvms = 0;
  for (const auto& e : trace["traceEvents"]) mvms += e.contains("args") && e["args"].value("op", "") == "mvm";
  EXPECT_EQ(mvms, 2);
  const nlohmann::json stats = nlohmann::json::parse(read_file(base + ".stats.json"));
  EXPECT_EQ(stats["chip.core0.mvm_vectors"]["unit"], "count");
  EXPECT_GT(stats["chip.network.energy_network_pj"]["value"].get<double>(), 0.0);
  const std::string vcd = read_file(base + ".vcd");
  EXPECT_TRUE(contains(vcd, "$enddefinitions $end")) << vcd;
  EXPECT_TRUE(contains(vcd, "$var wire 1 ! core0 $end")) << vcd;
  EXPECT_TRUE(contains(vcd, "\n#133000\n") || contains(vcd, "\n1!\n")) << vcd;

  const std::string failed = base + ".failed.json";
  const RunResult bad = run_imcsim("layer --set adc.bits=1 --trace-out '" + failed + "'");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_FALSE(std::ifstream(failed).good()) << "a failed run left " << failed;
  EXPECT_FALSE(std::ifstream(failed + ".partial").good());
}

TEST_F(Cli, DatasetFortunesSummarisesTheSplits) {
  const RunResult r = run_imcsim("dataset --dataset fortunes");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"], 40);
  EXPECT_EQ(j["vocabulary_symbols"], 98);
  EXPECT_EQ(j["sequence_length"], 100);
  std::int64_t fortunes = 0;
  for (const char* split : {"train", "validation", "test"}) {
    const nlohmann::json& s = j["splits"][split];
    fortunes += s["fortunes"].get<std::int64_t>();
    EXPECT_EQ(s["sequences"], (s["bytes"].get<std::int64_t>() - 1) / 100) << split;
    EXPECT_LT(s["other_share"].get<double>(), 1e-3) << split;
  }
  EXPECT_EQ(fortunes, j["fortunes"].get<std::int64_t>());
  const double entropy = j["train_unigram_entropy_bits_per_char"].get<double>();
  EXPECT_GT(entropy, 4.0);
  EXPECT_LT(entropy, std::log2(98.0));
  EXPECT_EQ(j["train_most_common"].size(), 10u);
  EXPECT_EQ(j["train_most_common"][0]["text"], " ");
}

TEST_F(Cli, DatasetOptionsOfTheOtherKindFailNamingTheOption) {
  const RunResult bytes = run_imcsim("dataset --dataset fashion-mnist --max-bytes 10");
  EXPECT_EQ(bytes.exit_code, 2);
  EXPECT_TRUE(contains(bytes.err, "max-bytes")) << bytes.err;
  const RunResult images = run_imcsim("dataset --dataset fortunes --images 10");
  EXPECT_EQ(images.exit_code, 2);
  EXPECT_TRUE(contains(images.err, "images")) << images.err;
}

}  // namespace
