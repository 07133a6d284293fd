// Replay fidelity (docs/trace.md, "Fidelity"): a trace of the zoo MLP recorded on the default chip, replayed at
// another design point, gives the same latency, throughput and energy as a full SystemC run of that point, to
// 1e-9 relative.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

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

/// The trace of the default design point, recorded once.
const std::string& base_trace() {
  static const std::string trace = [] {
    const std::string t = scratch() + "/base.trace";
    report("run --model mlp --timing-only --no-timeline --trace '" + t + "'", scratch() + "/base");
    return t;
  }();
  return trace;
}

void expect_replay_agrees(const std::string& setting) {
  const std::string name = std::to_string(std::hash<std::string>{}(setting));
  const nlohmann::json full =
      report("run --model mlp --timing-only --no-timeline --set " + setting, scratch() + "/full_" + name);
  const nlohmann::json replayed =
      report("trace replay '" + base_trace() + "' --set " + setting, scratch() + "/replay_" + name);
  for (const auto& [section, key] : {std::pair{"latency", "per_inference_ns"}, std::pair{"energy", "per_inference_uj"},
                                     std::pair{"throughput", "interval_ns"}}) {
    const double want = full[section][key].get<double>();
    const double got = replayed[section][key].get<double>();
    EXPECT_NEAR(got, want, 1e-9 * std::abs(want)) << setting << ": " << section << "." << key;
  }
}

// Keys whose timing the replay re-computes with the SystemC model's own rules. The programming phase shifts the
// inference phase in absolute time: the core's picosecond clock (cores/core_timing.h) must round alike in both;
// a 333 MHz network clock has a cycle that is no whole number of picoseconds.
TEST(ReplayFidelity, ReplayAgreesWithTheSystemCRunAtEveryExactKey) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  for (const char* setting : {"cores.program_verify_iterations=3", "interconnect.link_width_bits=16",
                              "interconnect.clock_mhz=333", "digital.clock_mhz=333"}) {
    expect_replay_agrees(setting);
  }
}

// Keys that can change which transfers start at the same instant on a shared link: the replay serves those in
// the order recorded at the trace's design point, SystemC in its kernel's process order (docs/trace.md,
// "Fidelity"). The MLP has no such contention, so here they agree exactly; the default model's CNN does not.
TEST(ReplayFidelity, ReplayAgreesWithTheSystemCRunWithoutSimultaneousContention) {
  ASSERT_FALSE(binary().empty()) << "IMCSIM_BINARY is not set";
  for (const char* setting : {"interconnect.clock_mhz=800", "interconnect.router_latency_cycles=4",
                              "interconnect.topology=torus", "sim.quantum_ns=10", "interconnect.offchip_node=5"}) {
    expect_replay_agrees(setting);
  }
}

}  // namespace
