#include "firmware/program.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "base/errors.h"
#include "tests/support/one_layer.h"
#include "tests/support/thrown.h"

namespace imcsim::firmware {
namespace {

using test::thrown_by;

const char* const example =
    "# two cores\n"
    "program demo\n"
    "core 0: load bytes=256\n"
    "core 0: mvm rows=256 cols=128 vectors=4   # four vectors\n"
    "core 0: act elements=512\n"
    "core 0: send to=1 bytes=512 tag=x\n"
    "barrier\n"
    "core 1: recv from=0 tag=x\n"
    "core 1: acc elements=512\n"
    "core 1: store bytes=512\n";

TEST(Program, ParsesAndPrintsTheTextForm) {
  const Program p = parse_program(example, "demo.prog");
  EXPECT_EQ(p.name, "demo");
  ASSERT_EQ(p.instructions.size(), 8u);
  EXPECT_EQ(p.instructions[1].op, Op::mvm);
  EXPECT_EQ(p.instructions[1].vectors, 4);
  EXPECT_EQ(p.instructions[1].line, 4);
  EXPECT_EQ(p.instructions[4].op, Op::barrier);
  EXPECT_EQ(p.instructions[3].peer, 1);
  EXPECT_EQ(p.cores_needed(), 2);
  const Program again = parse_program(to_text(p), "again");
  EXPECT_EQ(to_text(again), to_text(p));
  EXPECT_NO_THROW(p.validate(2));
}

TEST(Program, ErrorsNameLineAndField) {
  EXPECT_EQ(thrown_by([] { parse_program("core 0: fly bytes=3\n", "p"); }).key(), "op");
  const InputError missing = thrown_by([] { parse_program("\ncore 0: mvm rows=3\n", "p"); });
  EXPECT_EQ(missing.line(), 2);
  EXPECT_EQ(missing.key(), "cols");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: mvm rows=3 cols=x\n", "p"); }).key(), "cols");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: mvm rows=3 cols=3 speed=9\n", "p"); }).key(), "speed");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: barrier\n", "p"); }).key(), "core");
  EXPECT_EQ(thrown_by([] { parse_program("mvm rows=1 cols=1\n", "p"); }).key(), "core");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: mvm rows=0 cols=1\n", "p"); }).key(), "rows");
}

TEST(Program, UpdatesCarryPulseLengthAndActivityAndKeepIsAnInstruction) {
  const Program p = parse_program(
      "core 0: keep bytes=196\n"
      "core 0: update rows=196 cols=256 vectors=10 bl=15 slots=150 row_pulses=14700.5 col_pulses=19200 "
      "coincidences=0.1\n"
      "core 1: update rows=8 cols=8\n",
      "p");
  EXPECT_EQ(p.instructions[0].op, Op::keep);
  EXPECT_EQ(p.instructions[0].bytes, 196);
  const Instruction& u = p.instructions[1];
  EXPECT_EQ(u.pulse_length, 15);
  ASSERT_TRUE(u.activity.has_value());
  EXPECT_EQ(u.activity->slots, 150);
  EXPECT_EQ(u.activity->row_pulses, 14700.5);
  EXPECT_EQ(u.activity->column_pulses, 19200);
  EXPECT_EQ(u.activity->coincidences, 0.1);
  EXPECT_EQ(p.instructions[2].pulse_length, cores::default_pulse_length);
  EXPECT_FALSE(p.instructions[2].activity.has_value());
  // The text form gives back the same numbers, bit for bit.
  const Program again = parse_program(to_text(p), "again");
  EXPECT_EQ(to_text(again), to_text(p));
  EXPECT_EQ(again.instructions[1].activity->coincidences, 0.1);
  EXPECT_EQ(again.instructions[1].pulse_length, 15);
  EXPECT_FALSE(again.instructions[2].activity.has_value());
}

TEST(Program, AnUpdatesActivityComesWhole) {
  EXPECT_EQ(
      thrown_by([] { parse_program("core 0: update rows=2 cols=2 slots=31 row_pulses=1 col_pulses=1\n", "p"); }).key(),
      "coincidences");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: update rows=2 cols=2 bl=0\n", "p"); }).key(), "bl");
  EXPECT_EQ(thrown_by([] {
              parse_program("core 0: update rows=2 cols=2 slots=-1 row_pulses=0 col_pulses=0 coincidences=0\n", "p");
            }).key(),
            "slots");
  EXPECT_EQ(thrown_by([] { parse_program("core 0: mvm rows=2 cols=2 bl=3\n", "p"); }).key(), "bl");
}

TEST(Program, ValidationPairsSendsWithReceives) {
  const Program lonely = parse_program("core 0: send to=1 bytes=4\n", "p");
  EXPECT_EQ(thrown_by([&] { lonely.validate(2); }).line(), 1);
  const Program unmatched = parse_program("core 1: recv from=0 tag=a\n", "p");
  EXPECT_EQ(thrown_by([&] { unmatched.validate(2); }).key(), "from");
  const Program too_big = parse_program("core 5: act elements=1\n", "p");
  EXPECT_EQ(thrown_by([&] { too_big.validate(4); }).key(), "core");
}

TEST(OneLayerModel, TilesLargeLayersOverChainsOfNeighbours) {
  const test::OneLayer m = test::compile_one_layer(workloads::matmul_layer(2304, 256, 1), ChipGeometry{256, 256, 8, 8});
  EXPECT_EQ(m.mapping.cores_used(), 9);
  EXPECT_EQ(m.layer().row_tiles, 9);
  EXPECT_EQ(m.layer().col_tiles, 1);
  EXPECT_DOUBLE_EQ(m.layer().cell_utilisation(m.mapping.chip), 1.0);
  // One walk of the grid as a snake (0 .. 7, then 15): the chain ends at core 15.
  EXPECT_EQ(m.layer().tile(0, 0, 8).core, 15);
  for (std::size_t k = 1; k < m.layer().tiles.size(); ++k) {
    const int a = m.layer().tiles[k - 1].core, b = m.layer().tiles[k].core;
    EXPECT_EQ(std::abs(a % 8 - b % 8) + std::abs(a / 8 - b / 8), 1) << "chain step " << k << " is not a neighbour";
  }
  EXPECT_NO_THROW(m.program.validate(64));
  int sends = 0, mvms = 0;
  for (const auto& i : m.program.instructions) {
    sends += i.op == Op::send;
    mvms += i.op == Op::mvm;
  }
  EXPECT_EQ(sends, 8);
  EXPECT_EQ(mvms, 9);
  // The HERMES split: 2016 x 224 becomes 8 tiles of 252 x 224.
  const test::OneLayer resnet = test::compile_one_layer(workloads::matmul_layer(2016, 224, 1), ChipGeometry{});
  EXPECT_EQ(resnet.mapping.cores_used(), 8);
  for (const Tile& t : resnet.layer().tiles) EXPECT_EQ(t.rows, 252);
  EXPECT_NEAR(resnet.layer().cell_utilisation(resnet.mapping.chip), 0.861, 0.001);
}

TEST(OneLayerModel, LstmStepEndsEveryChainInTheGlobalDigitalUnit) {
  const test::OneLayer m = test::compile_one_layer(workloads::lstm_step(504, 504), ChipGeometry{}, true, true);
  EXPECT_EQ(m.mapping.cores_used(), 32);
  EXPECT_NEAR(m.layer().cell_utilisation(m.mapping.chip), 0.969, 0.001);
  EXPECT_NO_THROW(m.program.validate(64));
  int gdus = 0, loads = 0, stores = 0;
  for (const auto& i : m.program.instructions) {
    loads += i.op == Op::load;
    stores += i.op == Op::store;
    if (i.op != Op::gdu) continue;
    ++gdus;
    EXPECT_EQ(i.elements, 63);  // 252 gate values = 63 hidden units per column tile
  }
  EXPECT_EQ(gdus, 8);
  EXPECT_EQ(loads, 0);  // inputs preloaded, outputs kept
  EXPECT_EQ(stores, 0);
  EXPECT_EQ(parse_program(to_text(m.program), "again").instructions.size(), m.program.instructions.size());
}

TEST(OneLayerModel, AnLstmKeepsTheGatesOfAHiddenUnitInOneColumnTile) {
  // 130 hidden units, 520 gate columns: three column tiles of 176, 176 and 168 (not 174: 43.5 units).
  const test::OneLayer m = test::compile_one_layer(workloads::lstm_step(8, 130), ChipGeometry{});
  ASSERT_EQ(m.layer().col_tiles, 3);
  for (const Tile& t : m.layer().tiles) EXPECT_EQ(t.cols % 4, 0) << "column tile " << t.col_tile;
  int units = 0;
  for (const auto& i : m.program.instructions) units += i.op == Op::gdu ? i.elements : 0;
  EXPECT_EQ(units, 130);
  // On cores of 254 columns a tile holds 63 whole units (252 columns), never 254: 127 units need 3 tiles.
  const test::OneLayer narrow = test::compile_one_layer(workloads::lstm_step(8, 127), ChipGeometry{256, 254, 8, 8});
  EXPECT_EQ(narrow.layer().col_tiles, 3);
  for (const Tile& t : narrow.layer().tiles) {
    EXPECT_LE(t.cols, 252);
    EXPECT_EQ(t.cols % 4, 0);
  }
  EXPECT_THROW(test::compile_one_layer(workloads::lstm_step(8, 2), ChipGeometry{256, 2, 8, 8}), ParameterError);
}

TEST(OneLayerModel, PartialTilesAndUtilisation) {
  const test::OneLayer m = test::compile_one_layer(workloads::matmul_layer(300, 100, 1), ChipGeometry{});
  EXPECT_EQ(m.mapping.cores_used(), 2);
  EXPECT_EQ(m.layer().tiles[0].rows, 150);  // equal tiles, as on HERMES
  EXPECT_EQ(m.layer().tiles[1].rows, 150);
  EXPECT_EQ(m.layer().tiles[1].cols, 100);
  EXPECT_NEAR(m.layer().cell_utilisation(m.mapping.chip), 300.0 * 100 / (2 * 65536.0), 1e-12);
  EXPECT_THROW(test::compile_one_layer(workloads::matmul_layer(256 * 65, 256, 1), ChipGeometry{}), ParameterError);
}

}  // namespace
}  // namespace imcsim::firmware
