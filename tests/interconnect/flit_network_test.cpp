// Tests of the flit-level wormhole network (interconnect/flit_network.h): the zero-load latency formula for
// every source/destination pair, serialisation behind a packet on the same path, one flit per link per
// cycle, conservation and freedom from deadlock at full load on every topology (tight buffers, one virtual
// channel, long packets), determinism, and the injection errors.

#include "interconnect/flit_network.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/random.h"

namespace imcsim::interconnect {
namespace {

NetworkConfig network(Topology topology, int vcs = 2, int buffer_flits = 4, int router_latency = 1) {
  NetworkConfig c;
  c.topology = topology;
  c.virtual_channels = vcs;
  c.buffer_flits = buffer_flits;
  c.router_latency_cycles = router_latency;
  return c;
}

/// Steps until the network holds nothing or `limit` cycles have passed; returns what was delivered.
std::vector<DeliveredPacket> drain(FlitNetwork& net, std::int64_t limit) {
  std::vector<DeliveredPacket> all;
  std::vector<DeliveredPacket> batch;
  for (std::int64_t i = 0; i < limit && net.in_flight() > 0; ++i) {
    net.step();
    net.take_delivered(batch);
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

/// Sends one packet at a time through an empty network and checks its latency against the formula.
void expect_zero_load_latency(const NetworkConfig& config, int flits) {
  FlitNetwork net(config);
  const NetworkTopology& t = net.topology();
  for (int s = 0; s < t.nodes(); ++s) {
    for (int d = 0; d < t.nodes(); ++d) {
      net.inject({s, d, flits, 0, net.cycle()});
      const auto delivered = drain(net, 1000);
      ASSERT_EQ(delivered.size(), 1u);
      const int hops = t.hop_count(s, d);
      ASSERT_EQ(delivered[0].hops, hops);
      ASSERT_EQ(delivered[0].latency_cycles(), zero_load_latency_cycles(config, hops, flits))
          << t.name() << " " << s << "->" << d << " router latency " << config.router_latency_cycles;
    }
  }
}

TEST(FlitNetwork, ZeroLoadFormula) {
  NetworkConfig c;
  c.router_latency_cycles = 1;
  EXPECT_EQ(zero_load_latency_cycles(c, 0, 1), 3);
  EXPECT_EQ(zero_load_latency_cycles(c, 14, 8), 15 * 2 + 8);
  c.router_latency_cycles = 3;
  EXPECT_EQ(zero_load_latency_cycles(c, 5, 8), 6 * 4 + 8);
}

TEST(FlitNetwork, ZeroLoadLatencyOfEveryPairOnTheMesh) { expect_zero_load_latency(network(Topology::mesh), 8); }

TEST(FlitNetwork, ZeroLoadLatencyOnTorusAndNeighbourNetworks) {
  expect_zero_load_latency(network(Topology::torus), 8);
  expect_zero_load_latency(network(Topology::neighbour), 8);
}

TEST(FlitNetwork, ZeroLoadLatencyWithDeeperRouterPipelines) {
  for (const int latency : {2, 3}) {
    expect_zero_load_latency(network(Topology::mesh, 2, latency + 2, latency), 5);
    expect_zero_load_latency(network(Topology::neighbour, 1, latency + 2, latency), 1);
  }
}

TEST(FlitNetwork, ShallowBuffersThrottleASinglePacket) {
  FlitNetwork net(network(Topology::mesh, 1, 2));  // credit round trip 3 cycles > 2 buffer slots
  net.inject({0, 63, 8, 0, 0});
  const auto delivered = drain(net, 1000);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_GT(delivered[0].latency_cycles(), zero_load_latency_cycles(net.config(), 14, 8));
}

TEST(FlitNetwork, APacketBehindAnotherOnTheSamePathWaitsItsSerialisation) {
  FlitNetwork net(network(Topology::mesh));
  net.inject({9, 54, 8, 1, 0});
  net.inject({9, 54, 8, 2, 0});
  const auto delivered = drain(net, 1000);
  ASSERT_EQ(delivered.size(), 2u);
  const std::int64_t t0 = zero_load_latency_cycles(net.config(), net.topology().hop_count(9, 54), 8);
  EXPECT_EQ(delivered[0].packet.id, 1u);
  EXPECT_EQ(delivered[0].latency_cycles(), t0);
  EXPECT_EQ(delivered[1].latency_cycles(), t0 + 8);
}

TEST(FlitNetwork, PacketToItselfCrossesOneRouter) {
  FlitNetwork net(network(Topology::mesh));
  net.inject({5, 5, 3, 0, 0});
  const auto delivered = drain(net, 100);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].hops, 0);
  EXPECT_EQ(delivered[0].latency_cycles(), zero_load_latency_cycles(net.config(), 0, 3));
  EXPECT_EQ(net.flit_hops(), 0);
}

/// Bernoulli injection at `rate` with uniform destinations for `cycles` cycles, checking on every cycle
/// that a link carries at most one flit and an ejection port at most one; returns the packets injected.
std::vector<Packet> load(FlitNetwork& net, double rate, int flits, std::int64_t cycles, std::uint64_t seed) {
  const int nodes = net.topology().nodes();
  const RandomStream inject_draws({seed, RandomPurpose::test_input, 1, 0});
  const RandomStream dest_draws({seed, RandomPurpose::test_input, 2, 0});
  std::vector<float> u(static_cast<std::size_t>(nodes));
  std::vector<float> v(static_cast<std::size_t>(nodes));
  std::vector<Packet> injected;
  std::vector<std::int64_t> before;
  for (std::int64_t c = 0; c < cycles; ++c) {
    inject_draws.uniform(u.data(), u.size(), static_cast<std::uint64_t>(c * nodes));
    dest_draws.uniform(v.data(), v.size(), static_cast<std::uint64_t>(c * nodes));
    for (int n = 0; n < nodes; ++n) {
      if (u[static_cast<std::size_t>(n)] > rate) continue;
      int d = std::min(nodes - 2, static_cast<int>(v[static_cast<std::size_t>(n)] * (nodes - 1)));
      if (d >= n) ++d;
      injected.push_back({n, d, flits, injected.size(), net.cycle()});
      net.inject(injected.back());
    }
    before = net.link_flits();
    const std::int64_t ejected = net.flits_ejected();
    net.step();
    for (std::size_t l = 0; l < before.size(); ++l) EXPECT_LE(net.link_flits()[l] - before[l], 1);
    EXPECT_LE(net.flits_ejected() - ejected, nodes);
  }
  return injected;
}

struct LoadCase {
  Topology topology;
  int vcs;
  int buffer_flits;
  int packet_flits;
};

TEST(FlitNetwork, EveryPacketArrivesAfterFullLoadWithoutDeadlock) {
  const std::vector<LoadCase> cases{
      {Topology::mesh, 1, 4, 8},      {Topology::mesh, 2, 1, 8},      {Topology::mesh, 2, 2, 32},
      {Topology::torus, 2, 4, 8},     {Topology::torus, 2, 1, 8},     {Topology::torus, 3, 2, 32},
      {Topology::neighbour, 1, 4, 8}, {Topology::neighbour, 2, 1, 8}, {Topology::neighbour, 2, 2, 32},
  };
  for (const LoadCase& lc : cases) {
    NetworkConfig config = network(lc.topology, lc.vcs, lc.buffer_flits);
    FlitNetwork net(config);
    const auto injected = load(net, 1.0, lc.packet_flits, 120, 7);
    const auto delivered = drain(net, 200000);
    const std::string where = net.topology().name() + " vcs " + std::to_string(lc.vcs) + " buffer " +
                              std::to_string(lc.buffer_flits) + " packet " + std::to_string(lc.packet_flits);
    EXPECT_EQ(net.in_flight(), 0) << where;
    EXPECT_EQ(net.queued_packets(), 0) << where;
    EXPECT_EQ(net.packets_injected(), static_cast<std::int64_t>(injected.size()));
    ASSERT_EQ(delivered.size(), injected.size()) << where;
    std::vector<int> seen(injected.size(), 0);
    std::int64_t hop_flits = 0;
    for (const DeliveredPacket& d : delivered) {
      const Packet& p = injected[d.packet.id];
      ++seen[d.packet.id];
      EXPECT_EQ(d.packet.src, p.src);
      EXPECT_EQ(d.packet.dst, p.dst);
      EXPECT_EQ(d.hops, net.topology().hop_count(p.src, p.dst));
      EXPECT_GE(d.latency_cycles(), zero_load_latency_cycles(config, d.hops, p.flits));
      hop_flits += static_cast<std::int64_t>(d.hops) * p.flits;
    }
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; })) << where;
    const std::int64_t flits = static_cast<std::int64_t>(injected.size()) * lc.packet_flits;
    EXPECT_EQ(net.flits_injected(), flits) << where;
    EXPECT_EQ(net.flits_ejected(), flits) << where;
    EXPECT_EQ(net.flit_hops(), hop_flits) << where;
    std::int64_t link_total = 0;
    for (const std::int64_t f : net.link_flits()) link_total += f;
    EXPECT_EQ(link_total, hop_flits) << where;
  }
}

TEST(FlitNetwork, DeliveriesArriveInOrderAndCountersBalance) {
  FlitNetwork net(network(Topology::neighbour));
  load(net, 0.05, 4, 500, 3);
  std::vector<DeliveredPacket> batch;
  net.take_delivered(batch);
  auto taken = static_cast<std::int64_t>(batch.size());
  EXPECT_GT(taken, 0);
  for (int i = 0; i < 2000 && net.in_flight() > 0; ++i) {
    net.step();
    net.take_delivered(batch);
    taken += static_cast<std::int64_t>(batch.size());
    for (const DeliveredPacket& d : batch) EXPECT_EQ(d.arrival_cycle, net.cycle());
    EXPECT_EQ(net.packets_injected(), net.packets_delivered() + net.in_flight());
  }
  EXPECT_EQ(net.in_flight(), 0);
  EXPECT_EQ(taken, net.packets_delivered());
}

TEST(FlitNetwork, IsDeterministic) {
  const auto run = [] {
    FlitNetwork net(network(Topology::torus));
    load(net, 0.3, 8, 300, 11);
    auto delivered = drain(net, 100000);
    std::vector<std::int64_t> out;
    for (const auto& d : delivered) {
      out.push_back(static_cast<std::int64_t>(d.packet.id));
      out.push_back(d.arrival_cycle);
    }
    return out;
  };
  const auto a = run();
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, run());
}

TEST(FlitNetwork, InjectNamesTheWrongField) {
  FlitNetwork net(network(Topology::mesh));
  const auto field_of = [&](const Packet& p) {
    try {
      net.inject(p);
    } catch (const ParameterError& e) {
      return e.parameter();
    }
    return std::string("none");
  };
  EXPECT_EQ(field_of({-1, 3, 8, 0, 0}), "packet.src");
  EXPECT_EQ(field_of({0, 64, 8, 0, 0}), "packet.dst");
  EXPECT_EQ(field_of({0, 3, 0, 0, 0}), "packet.flits");
  EXPECT_EQ(field_of({0, 3, 33, 0, 0}), "packet.flits");
  EXPECT_EQ(field_of({0, 3, 8, 0, 1}), "packet.created_cycle");
  EXPECT_EQ(net.packets_injected(), 0);
  EXPECT_THROW(FlitNetwork(network(Topology::torus, 1)), ParameterError);
}

}  // namespace
}  // namespace imcsim::interconnect
