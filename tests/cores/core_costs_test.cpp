#include "cores/core_costs.h"

#include <gtest/gtest.h>

#include "base/errors.h"

namespace imcsim::cores {
namespace {

CoreParams hermes(int phases = 1) {
  CoreParams p;
  p.technology = hw::hermes_technology();
  p.design.phases = phases;
  p.design.sram_kib = 1.5;
  return p;
}

CoreCommand command(CoreOp op) {
  CoreCommand c;
  c.op = op;
  return c;
}

TEST(CoreCosts, FullMvmIsTheHermesMvm) {
  const CoreCosts one(hermes(1)), four(hermes(4));
  const CommandCost a = one.cost(command(CoreOp::mvm));
  EXPECT_NEAR(a.latency_ns, 133.0, 1e-9);
  EXPECT_NEAR(a.energy.array_pj + a.energy.adc_pj + a.energy.dac_pj, 13400.0, 1.0);
  const CommandCost b = four.cost(command(CoreOp::mvm));
  EXPECT_NEAR(b.latency_ns, 520.0, 1e-9);
  EXPECT_NEAR(b.energy.array_pj + b.energy.adc_pj + b.energy.dac_pj, 52800.0, 1.0);
  EXPECT_GT(a.energy.sram_pj, 0.0);
}

TEST(CoreCosts, PartialBlocksCostLessEnergyButTheSameTime) {
  const CoreCosts costs(hermes());
  CoreCommand half = command(CoreOp::mvm);
  half.rows = 128;
  half.cols = 64;
  const CommandCost full = costs.cost(command(CoreOp::mvm));
  const CommandCost part = costs.cost(half);
  EXPECT_EQ(part.latency_ns, full.latency_ns);
  EXPECT_NEAR(part.energy.array_pj, full.energy.array_pj / 8, 1e-6);
  EXPECT_NEAR(part.energy.dac_pj, full.energy.dac_pj / 2, 1e-6);
  EXPECT_LT(part.energy.adc_pj, full.energy.adc_pj / 2);
  half.vectors = 3;
  EXPECT_NEAR(costs.cost(half).latency_ns, 3 * 133.0, 1e-9);
}

TEST(CoreCosts, DigitalUnitStreamsOneDatumPerClock) {
  const CoreCosts costs(hermes());
  CoreCommand act = command(CoreOp::digital);
  act.elements = 256;
  const CommandCost c = costs.cost(act);
  EXPECT_NEAR(c.latency_ns, (256 + 6) * 2.5, 1e-9);  // 400 MHz, six pipeline stages
  EXPECT_NEAR(c.energy.digital_pj, 256 * 1.5, 1e-9);
  // Adding a partial sum streamed along a chain goes through the deeper accumulate pipeline (fitted,
  // docs/technology.md); adding data already in the buffers (a residual) does not.
  CoreCommand acc = command(CoreOp::accumulate);
  acc.elements = 256;
  EXPECT_NEAR(costs.cost(acc).latency_ns, (256 + 6) * 2.5, 1e-9);
  acc.partial_sum = true;
  EXPECT_NEAR(costs.cost(acc).latency_ns, (256 + 22.17) * 2.5, 1e-9);
  EXPECT_NEAR(costs.cost(acc).pipeline_ns, 22.17 * 2.5, 1e-9);
}

TEST(CoreCosts, GlobalDigitalUnitSpreadsOutputsOverItsSlices) {
  const CoreCosts costs(hermes());
  CoreCommand gdu = command(CoreOp::global_digital);
  gdu.elements = 63;
  const CommandCost c = costs.cost(gdu);
  // 63 outputs over 8 slices: 8 rounds of 5 clocks, plus the 13-stage pipeline.
  EXPECT_NEAR(c.latency_ns, (8 * 5 + 13) * 2.5, 1e-9);
  EXPECT_NEAR(c.energy.digital_pj, 63 * 6.0, 1e-9);
}

TEST(CoreCosts, ProgrammingIsRowByRowProgramAndVerify) {
  const CoreCosts costs(hermes());
  const CommandCost c = costs.cost(command(CoreOp::program_weights));
  // 256 rows x 10 iterations x (1 us pulse + 129 ns verify read)
  EXPECT_NEAR(c.latency_ns, 256 * 10 * (1000.0 + 129.0), 1e-6);
  EXPECT_GT(c.energy.programming_pj, 256.0 * 256 * 2 * 10 * 20);
}

TEST(CoreCosts, CommandsThatDoNotFitAreRejected) {
  const CoreCosts costs(hermes());
  CoreCommand big = command(CoreOp::mvm);
  big.rows = 257;
  EXPECT_THROW(costs.cost(big), ParameterError);
  CoreCommand negative = command(CoreOp::digital);
  negative.elements = -1;
  EXPECT_THROW(costs.cost(negative), ParameterError);
}

}  // namespace
}  // namespace imcsim::cores
