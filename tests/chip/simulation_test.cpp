// Component tests of the timed chip. Every test elaborates a design, so ctest runs each in its own process.

#include "chip/simulation.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "chip/chip.h"
#include "cores/core_costs.h"
#include "tests/support/one_layer.h"

namespace imcsim::chip {
namespace {

double cost_ns(const ChipConfig& config, cores::CoreOp op, int rows, int cols, int elements, int bytes) {
  cores::CoreCommand c;
  c.op = op;
  c.rows = rows;
  c.cols = cols;
  c.elements = elements;
  c.bytes = bytes;
  return cores::CoreCosts(core_params(config)).cost(c).latency_ns;
}

TEST(ChipSimulation, SingleCoreLayerLatencyIsTheSumOfItsSteps) {
  const ChipConfig config = default_chip_config();
  const SimulationResult r =
      simulate(config, test::compile_one_layer(workloads::matmul_layer(256, 256, 1), chip_geometry(config)).program);
  const double expected =
      cost_ns(config, cores::CoreOp::buffer_write, 0, 0, 0, 256) + cost_ns(config, cores::CoreOp::mvm, 256, 256, 0, 0) +
      cost_ns(config, cores::CoreOp::digital, 0, 0, 256, 0) + cost_ns(config, cores::CoreOp::buffer_read, 0, 0, 0, 256);
  EXPECT_NEAR(r.latency_ns, expected, 1e-6);
  EXPECT_NEAR(r.energy_breakdown_pj[EnergyComponent::array] + r.energy_breakdown_pj[EnergyComponent::adc] +
                  r.energy_breakdown_pj[EnergyComponent::dac],
              13400.0, 1.0);
  EXPECT_EQ(r.cores_active, 1);
  EXPECT_DOUBLE_EQ(r.energy_breakdown_pj[EnergyComponent::network], 0.0);  // the off-chip port sits at this core's node
}

TEST(ChipSimulation, TiledLayerAccumulatesPartialSumsOverTheNetwork) {
  const ChipConfig config = default_chip_config();
  const SimulationResult r = simulate(
      config, test::compile_one_layer(workloads::matmul_layer(2304, 256, 1), chip_geometry(config), true, true).program);
  EXPECT_EQ(r.cores_active, 9);
  EXPECT_DOUBLE_EQ(r.mvm_vectors, 9.0);
  EXPECT_GT(r.energy_breakdown_pj[EnergyComponent::network], 0.0);
  EXPECT_EQ(r.stats.get("chip.network.transfers").value, 8.0);  // the 8 partial-sum streams of the chain
  // The chain streams: one pass of 256 data at one per clock after the MVMs, plus a pipeline and a few cycles
  // per core, far less than nine store-and-forward passes through the digital units.
  const double clock_ns = 2.5;
  const double per_core_ns = (config.digital.accumulate_pipeline_stages + 4) * clock_ns;
  EXPECT_GT(r.latency_ns, 133.0 + 256 * clock_ns + 8 * config.digital.accumulate_pipeline_stages * clock_ns);
  EXPECT_LT(r.latency_ns, 133.0 + 256 * clock_ns + 9 * per_core_ns);
  // The static power is charged for the 9 powered cores only (the other 55 are power-gated).
  EXPECT_NEAR(r.energy_breakdown_pj[EnergyComponent::static_power],
              9 * config.technology.core_static_power_mw * 1e-3 * r.latency_ns * 1e3, 1e-6);
}

TEST(ChipSimulation, RecvWaitsForTheDataAndBarrierJoinsStreams) {
  ChipConfig config = default_chip_config();
  const firmware::Program p = firmware::parse_program(
      "core 0: mvm rows=256 cols=256 vectors=10\n"
      "core 0: send to=63 bytes=256 tag=a\n"
      "core 63: recv from=0 tag=a\n"
      "core 63: acc elements=256\n"
      "core 5: act elements=4\n"
      "barrier\n"
      "core 5: act elements=4\n",
      "test");
  const SimulationResult r = simulate(config, p);
  // Core 63 starts adding only after 10 MVMs, the buffer read and the trip across the chip.
  const double mvms = 10 * 133.0;
  const double acc = (256 + 2) * 2.5;
  EXPECT_GT(r.latency_ns, mvms + acc + 256 / 1.0 * 2.5);
  EXPECT_EQ(r.cores_active, 3);
}

TEST(ChipSimulation, ProgramThatDoesNotFitIsAnError) {
  const ChipConfig config = default_chip_config();
  const firmware::Program p = firmware::parse_program("core 0: mvm rows=512 cols=256\n", "big.prog");
  try {
    simulate(config, p);
    FAIL() << "a 512-row MVM ran on a 256-row core";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
  }
}

}  // namespace
}  // namespace imcsim::chip

namespace imcsim::chip {
namespace {

const char* const exchange_program =
    "core 0: mvm rows=256 cols=256\n"
    "core 0: send to=63 bytes=256 tag=a\n"
    "core 63: recv from=0 tag=a\n"
    "core 63: acc elements=256\n";

TEST(ChipSimulation, ApproximatelyTimedNetworkMovesFlits) {
  ChipConfig config = load_chip_config("hermes64", {"interconnect.mode=at", "interconnect.topology=mesh"});
  const SimulationResult r = simulate(config, firmware::parse_program(exchange_program, "exchange"));
  // 256 bytes = 256 flits over the 14 hops from corner to corner of the 8 x 8 mesh: at least the serialisation
  // and one cycle per hop, and the same bit-hops (energy) as the loosely timed model.
  const double cycle_ns = 2.5;
  const double mvm_and_read = 133.0 + 32 * 2.5;
  EXPECT_GT(r.latency_ns, mvm_and_read + (256 + 14) * cycle_ns);
  EXPECT_DOUBLE_EQ(r.stats.get("chip.network.bit_hops").value, 2048.0 * 14);
}

TEST(ChipSimulation, LooselyTimedNetworkMatchesItsZeroLoadFormula) {
  ChipConfig config = load_chip_config("hermes64", {"interconnect.topology=mesh"});
  const SimulationResult r = simulate(config, firmware::parse_program(exchange_program, "exchange"));
  // Reservation model: hops x (router + link cycle) + (flits - 1) cycles per packet, packets back to back.
  const double cycle_ns = 2.5;
  const double mvm_and_read = 133.0 + 32 * 2.5;
  const double network = 14 * 2 * cycle_ns + (256 - 1) * cycle_ns;
  const double acc = (256 + config.digital.pipeline_stages) * cycle_ns;  // data in the buffer, not a streamed sum
  EXPECT_NEAR(r.latency_ns, mvm_and_read + network + acc, 1e-6);
  EXPECT_DOUBLE_EQ(r.stats.get("chip.network.bit_hops").value, 2048.0 * 14);
}

}  // namespace
}  // namespace imcsim::chip
