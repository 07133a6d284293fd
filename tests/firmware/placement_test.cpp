// Placement policies (firmware/placement.h): their walks, the one mapper placing a layer (imcsim layer) and a
// model (imcsim run) with them, and the chip config key compiler.placement, snake by default.

#include "firmware/placement.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "chip/accuracy.h"
#include "chip/chip_config.h"
#include "firmware/model_mapping.h"
#include "tests/support/thrown.h"

namespace imcsim::firmware {
namespace {

using test::thrown_by;

std::vector<int> cores_of(const std::vector<Tile>& tiles) {
  std::vector<int> cores;
  for (const Tile& t : tiles) cores.push_back(t.core);
  return cores;
}

ChipGeometry grid_8x8(PlacementPolicy policy) {
  ChipGeometry chip;
  chip.placement = policy;
  return chip;
}

TEST(Placement, NamesRoundTripAndAnUnknownOneNamesTheKey) {
  for (const std::string& name : placement_names().names())
    EXPECT_EQ(placement_names().name(placement_names().parse(name, "compiler.placement", "placement")), name);
  EXPECT_EQ(make_placement(PlacementPolicy::snake)->name(), "snake");
  EXPECT_EQ(make_placement(PlacementPolicy::raster)->name(), "raster");
  const ParameterError e = thrown_by<ParameterError>([] { placement_names().parse("hilbert", "compiler.placement", "placement"); });
  EXPECT_EQ(e.parameter(), "compiler.placement");
  EXPECT_NE(std::string(e.what()).find("snake"), std::string::npos) << e.what();
}

TEST(Placement, SnakeAlternatesRowsAndRasterDoesNot) {
  const GridRegion region{1, 2, 3, 2};  // x 1..3, y 2..3 of an 8-wide grid
  EXPECT_EQ(make_placement(PlacementPolicy::snake)->walk(region, 8), (std::vector<int>{17, 18, 19, 27, 26, 25}));
  EXPECT_EQ(make_placement(PlacementPolicy::raster)->walk(region, 8), (std::vector<int>{17, 18, 19, 25, 26, 27}));
}

TEST(Placement, SnakeIsTheDefaultEverywhere) {
  EXPECT_EQ(ChipGeometry{}.placement, PlacementPolicy::snake);
  const chip::ChipConfig config = chip::default_chip_config();
  EXPECT_EQ(config.compiler.placement, PlacementPolicy::snake);
  EXPECT_EQ(chip::chip_geometry(config).placement, PlacementPolicy::snake);
}

TEST(Placement, AModelFollowsOneWalkOfTheWholeGrid) {
  // 10 row tiles, then a layer of one tile: the first chain turns at the end of row 0.
  const std::vector<LayerShape> layers{{"a", 2560, 256}, {"b", 256, 10}};
  const ModelMapping snake = map_model(layers, grid_8x8(PlacementPolicy::snake), Replication::none);
  const ModelMapping raster = map_model(layers, grid_8x8(PlacementPolicy::raster), Replication::none);
  EXPECT_EQ(cores_of(snake.layers[0].tiles), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 15, 14}));
  EXPECT_EQ(cores_of(snake.layers[1].tiles), std::vector<int>{13});
  EXPECT_EQ(cores_of(raster.layers[0].tiles), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(cores_of(raster.layers[1].tiles), std::vector<int>{10});
  const ModelMapping by_default = map_model(layers, ChipGeometry{}, Replication::none);
  EXPECT_EQ(cores_of(by_default.layers[0].tiles), cores_of(snake.layers[0].tiles));
}

TEST(Placement, TheConfigKeyChoosesThePolicy) {
  const chip::ChipConfig raster = chip::parse_chip_config("compiler:\n  placement: raster\n", "chip.yaml");
  EXPECT_EQ(raster.compiler.placement, PlacementPolicy::raster);
  EXPECT_EQ(chip::chip_geometry(raster).placement, PlacementPolicy::raster);
  EXPECT_NE(chip::to_yaml(raster).find("  placement: raster\n"), std::string::npos);
  EXPECT_EQ(chip::parse_chip_config(chip::to_yaml(raster), "again").compiler.placement, PlacementPolicy::raster);
  const InputError e =
      thrown_by<InputError>([] { chip::parse_chip_config("compiler:\n  placement: hilbert\n", "chip.yaml"); });
  EXPECT_EQ(e.key(), "compiler.placement");
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(
      thrown_by<InputError>([] { chip::parse_chip_config("", "chip.yaml", {"compiler.placement=zigzag"}); }).key(),
      "compiler.placement");
}

}  // namespace
}  // namespace imcsim::firmware
