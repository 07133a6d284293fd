// Replay fidelity (docs/trace.md, "Fidelity"): a trace of a zoo model (the MLP; the CNN of the default model, whose
// transfers coincide on shared links) recorded on the default chip, replayed at another design point, gives the
// same latency, throughput and energy as a full SystemC run of that point, to 1e-9 relative.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "tests/apps/cli_run.h"

namespace {

using imcsim::test::binary;
using imcsim::test::read_file;
using imcsim::test::run_imcsim;

std::string scratch() {
  static const std::string dir = [] {
    const std::string d = ::testing::TempDir() + "imcsim_replay_fidelity_" + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

nlohmann::json report(const std::string& command, const std::string& out) {
  const auto run = run_imcsim(command + " --out '" + out + "'");
  EXPECT_EQ(run.exit_code, 0) << command << "\n" << run.err;
  return nlohmann::json::parse(read_file(out + "/report.json"));
}

/// The trace of the default design point for a zoo model, recorded once per model.
const std::string& base_trace(const std::string& model) {
  static std::map<std::string, std::string> traces;
  auto it = traces.find(model);
  if (it == traces.end()) {
    const std::string t = scratch() + "/base_" + model + ".trace";
    report("run --model " + model + " --timing-only --no-timeline --trace '" + t + "'", scratch() + "/base_" + model);
    it = traces.emplace(model, t).first;
  }
  return it->second;
}

constexpr std::pair<const char*, const char*> compared[] = {
    {"latency", "per_inference_ns"}, {"energy", "per_inference_uj"}, {"throughput", "interval_ns"}};

void expect_replay_agrees(const std::string& model, const std::string& setting) {
  const std::string name = model + "_" + std::to_string(std::hash<std::string>{}(setting));
  const nlohmann::json full =
      report("run --model " + model + " --timing-only --no-timeline --set " + setting, scratch() + "/full_" + name);
  const nlohmann::json replayed =
      report("trace replay '" + base_trace(model) + "' --set " + setting, scratch() + "/replay_" + name);
  for (const auto& [section, key] : compared) {
    const double want = full[section][key].get<double>();
    const double got = replayed[section][key].get<double>();
    EXPECT_NEAR(got, want, 1e-9 * std::abs(want)) << model << ", " << setting << ": " << section << "." << key;
  }
}

// Keys whose timing the replay re-computes with the SystemC model's own rules. The programming phase shifts the
// inference phase in absolute time: the core's picosecond clock (cores/core_timing.h) must round alike in both;
// a 333 MHz network clock has a cycle that is no whole number of picoseconds.
TEST(ReplayFidelity, ReplayAgreesWithTheSystemCRunAtEveryExactKey) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  for (const char* setting : {"cores.program_verify_iterations=3", "interconnect.link_width_bits=16",
                              "interconnect.clock_mhz=333", "digital.clock_mhz=333"}) {
    expect_replay_agrees("mlp", setting);
  }
}

// Keys that change which transfers start at the same instant on a shared link. Both serve such transfers in the
// model's order (program order, firmware/stream_rules.h), so they agree also on the default model's CNN, which
// has such contention (served in the kernel's process order and in the recorded order before, they differed by
// 0.05-0.6 %).
TEST(ReplayFidelity, ReplayAgreesWithTheSystemCRunWhereTransfersCoincide) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  for (const char* model : {"mlp", "cnn-hwa"}) {
    for (const char* setting : {"interconnect.router_latency_cycles=4", "interconnect.topology=torus",
                                "sim.quantum_ns=10", "interconnect.offchip_node=5", "cores.program_verify_iterations=3"}) {
      expect_replay_agrees(model, setting);
    }
  }
  // A faster link moves the CNN's balance replicas (chip/stage_estimates.h), which a replay of the recorded
  // Program keeps: that point is compared on the MLP, whose mapping does not move.
  expect_replay_agrees("mlp", "interconnect.clock_mhz=800");
}

// The quantum only bounds how far a stream runs ahead of the kernel: the CNN, whose transfers coincide, gives the
// same results at every quantum (it gave 23,936 ns per inference at 1000 ns and 24,086 ns at 10 ns before).
TEST(ReplayFidelity, SystemCResultsDoNotDependOnTheQuantum) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  const nlohmann::json base = report("run --model cnn-hwa --timing-only --no-timeline", scratch() + "/quantum_base");
  for (const char* quantum : {"100", "10", "1"}) {
    const nlohmann::json q =
        report(std::string("run --model cnn-hwa --timing-only --no-timeline --set sim.quantum_ns=") + quantum,
               scratch() + "/quantum_" + quantum);
    for (const auto& [section, key] : compared) {
      EXPECT_EQ(q[section][key].get<double>(), base[section][key].get<double>())
          << "quantum " << quantum << " ns: " << section << "." << key;
    }
  }
}

}  // namespace
