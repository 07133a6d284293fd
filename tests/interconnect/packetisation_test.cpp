// Tests of packetisation (interconnect/packetisation.h): flits per message and the split into packets.

#include "interconnect/packetisation.h"

#include <gtest/gtest.h>

#include <numeric>

#include "base/errors.h"

namespace imcsim::interconnect {
namespace {

TEST(Packetisation, FlitsAreLinkWidthsRoundedUp) {
  EXPECT_EQ(message_flits(0, 8), 1);
  EXPECT_EQ(message_flits(1, 8), 1);
  EXPECT_EQ(message_flits(8, 8), 1);
  EXPECT_EQ(message_flits(9, 8), 2);
  EXPECT_EQ(message_flits(2048, 8), 256);
  EXPECT_EQ(message_flits(100, 32), 4);
  EXPECT_THROW(message_flits(-1, 8), ParameterError);
}

TEST(Packetisation, SplitsIntoFullPacketsThenTheRest) {
  NetworkConfig c;
  c.link_width_bits = 8;
  c.max_packet_flits = 32;
  EXPECT_EQ(packetise(2048, c), (std::vector<int>{32, 32, 32, 32, 32, 32, 32, 32}));
  EXPECT_EQ(packetise(563, c), (std::vector<int>{32, 32, 7}));
  EXPECT_EQ(packetise(5, c), (std::vector<int>{1}));
  const auto sizes = packetise(12345, c);
  EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0}), message_flits(12345, 8));
  c.max_packet_flits = 0;
  EXPECT_THROW(packetise(64, c), ParameterError);
}

}  // namespace
}  // namespace imcsim::interconnect
