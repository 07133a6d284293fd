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

// --- Pulsed updates: BL slots per sample update, energy per pulse (docs/technology.md, "Pulsed update") ----------

/// The HERMES table's update entries, written out here so that the expected numbers do not come from the code.
constexpr double slot_ns = 1.0 + 0.5, vector_overhead_ns = 10.0;
constexpr double row_driver_pj = 0.25, column_driver_pj = 0.25, coincidence_pj = 0.01;
constexpr double probability_pj = 1.5, stream_bit_pj = 0.02;

CoreCommand update(int rows, int cols, int vectors, int pulse_length) {
  CoreCommand c = command(CoreOp::pulsed_update);
  c.rows = rows;
  c.cols = cols;
  c.vectors = vectors;
  c.pulse_length = pulse_length;
  return c;
}

TEST(CoreCosts, UpdateLatencyIsSlotsTimesThePulseSlotPlusOverheads) {
  const CoreCosts costs(hermes());
  EXPECT_NEAR(costs.cost(update(256, 256, 3, 31)).latency_ns, 3 * (31 * slot_ns + vector_overhead_ns), 1e-9);
  EXPECT_NEAR(costs.cost(update(256, 256, 3, 62)).latency_ns, 3 * (62 * slot_ns + vector_overhead_ns), 1e-9);
  // The size of the block does not change the time: every line fires in the same slots.
  EXPECT_EQ(costs.cost(update(16, 8, 3, 31)).latency_ns, costs.cost(update(256, 256, 3, 31)).latency_ns);
  // Measured slots (BL management shortened some trains) replace vectors x BL.
  CoreCommand managed = update(256, 256, 3, 31);
  managed.activity = UpdateActivity{40, 100, 100, 10};
  EXPECT_NEAR(costs.cost(managed).latency_ns, 40 * slot_ns + 3 * vector_overhead_ns, 1e-9);
}

TEST(CoreCosts, UpdateEnergyIsPulsesTimesDriversPlusCoincidencesPlusDigital) {
  const CoreCosts costs(hermes());
  CoreCommand c = update(128, 64, 2, 31);
  c.activity = UpdateActivity{62, 1000, 700, 300};
  const CommandCost cost = costs.cost(c);
  // A line's wire crosses the whole array (256 cells on this core) whatever block the update uses.
  EXPECT_NEAR(cost.energy.dac_pj, 1000 * row_driver_pj + 700 * column_driver_pj, 1e-9);
  EXPECT_NEAR(cost.energy.array_pj, 300 * coincidence_pj, 1e-12);
  EXPECT_NEAR(cost.energy.digital_pj, 2 * (128 + 64) * probability_pj + 62 * (128 + 64) * stream_bit_pj, 1e-9);
  EXPECT_EQ(cost.energy.adc_pj, 0.0);
  // The inputs and errors of both samples are read from the buffers: (128 + 64) x 2 bytes in 64-bit words.
  EXPECT_GT(cost.energy.sram_pj, 0.0);
  const UpdateEnergy split = costs.update_energy(c);
  EXPECT_NEAR(split.total_pj(), cost.energy.total_pj(), 1e-9);
  EXPECT_NEAR(split.row_drivers_pj, 1000 * row_driver_pj, 1e-9);

  // Twice the coincidences: twice the array energy, nothing else changes.
  CoreCommand more = c;
  more.activity->coincidences = 600;
  const CommandCost doubled = costs.cost(more);
  EXPECT_NEAR(doubled.energy.array_pj, 2 * cost.energy.array_pj, 1e-12);
  EXPECT_EQ(doubled.energy.dac_pj, cost.energy.dac_pj);
  EXPECT_EQ(doubled.energy.digital_pj, cost.energy.digital_pj);
  EXPECT_EQ(doubled.latency_ns, cost.latency_ns);
}

TEST(CoreCosts, UpdateWithoutActivityCostsTheExpectedOne) {
  const CoreCosts costs(hermes());
  const int rows = 200, cols = 100, vectors = 4, bl = 31;
  // Every slot used, each line firing with probability 1/2: (rows + cols) / 2 pulses per slot, rows x cols / 4
  // coincidences per slot.
  const double slots = vectors * bl;
  const CommandCost c = costs.cost(update(rows, cols, vectors, bl));
  EXPECT_NEAR(c.energy.dac_pj, slots * rows * 0.5 * row_driver_pj + slots * cols * 0.5 * column_driver_pj, 1e-9);
  EXPECT_NEAR(c.energy.array_pj, slots * rows * cols * 0.25 * coincidence_pj, 1e-9);
  EXPECT_NEAR(c.energy.digital_pj, vectors * (rows + cols) * probability_pj + slots * (rows + cols) * stream_bit_pj,
              1e-9);
  // Rows and columns enter the drivers and the digital work through rows + cols, the coincidences through rows x
  // cols: doubling the columns doubles the coincidence energy.
  EXPECT_NEAR(costs.cost(update(rows, 2 * cols, vectors, bl)).energy.array_pj, 2 * c.energy.array_pj, 1e-9);
  const UpdateActivity a = costs.update_activity(update(rows, cols, vectors, bl));
  EXPECT_EQ(a.slots, slots);
  EXPECT_EQ(a.row_pulses, slots * rows * 0.5);
  EXPECT_EQ(a.coincidences, slots * rows * cols * 0.25);
}

TEST(CoreCosts, ImpossibleUpdateActivityIsRejected) {
  const CoreCosts costs(hermes());
  const auto with = [](UpdateActivity a) {
    CoreCommand c = update(10, 20, 2, 31);
    c.activity = a;
    return c;
  };
  EXPECT_NO_THROW(costs.cost(with({62, 620, 1240, 12400})));            // every line in every slot
  EXPECT_THROW(costs.cost(with({63, 0, 0, 0})), ParameterError);        // more slots than 2 x BL
  EXPECT_THROW(costs.cost(with({62, 621, 0, 0})), ParameterError);      // more row pulses than slots x rows
  EXPECT_THROW(costs.cost(with({62, 620, 1241, 0})), ParameterError);   // more column pulses than slots x cols
  EXPECT_THROW(costs.cost(with({62, 10, 1240, 201})), ParameterError);  // more coincidences than row pulses x cols
  EXPECT_THROW(costs.cost(with({62, -1, 0, 0})), ParameterError);
  EXPECT_THROW(costs.cost(update(10, 20, 2, 0)), ParameterError);
}

}  // namespace
}  // namespace imcsim::cores
