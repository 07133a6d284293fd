// Tests of the synthetic traffic (interconnect/traffic_pattern.h, interconnect/traffic.h): the patterns,
// the parsers and validation, the latency/throughput curve of the 8 x 8 mesh (zero-load latency at low load,
// growth with the rate, saturation), conservation of measured packets, determinism, energy and the JSON form.

#include "interconnect/traffic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/errors.h"
#include "hw/technology.h"
#include "interconnect/flit_network.h"
#include "interconnect/topology.h"
#include "interconnect/traffic_pattern.h"

namespace imcsim::interconnect {
namespace {

NetworkConfig mesh8(int vcs = 2, int buffer_flits = 4) {
  NetworkConfig c;
  c.topology = Topology::mesh;
  c.virtual_channels = vcs;
  c.buffer_flits = buffer_flits;
  return c;
}

TrafficConfig traffic(std::vector<double> rates, std::int64_t measure = 3000, std::int64_t drain = 3000) {
  TrafficConfig t;
  t.rates = std::move(rates);
  t.warmup_cycles = 500;
  t.measure_cycles = measure;
  t.drain_limit_cycles = drain;
  return t;
}

ParameterError thrown_by(const std::function<void()>& f) {
  try {
    f();
  } catch (const ParameterError& e) {
    return e;
  }
  ADD_FAILURE() << "no ParameterError was thrown";
  return ParameterError("", "");
}

/// Evenly spaced draws in (0, 1].
std::vector<float> grid_draws(int count) {
  std::vector<float> u;
  for (int k = 0; k < count; ++k) u.push_back((static_cast<float>(k) + 0.5f) / static_cast<float>(count));
  return u;
}

TEST(TrafficPattern, UniformReachesEveryOtherNodeEqually) {
  const auto t = make_topology(mesh8());
  const auto p = make_traffic_pattern("uniform", *t, 0.2);
  for (const int src : {0, 27, 63}) {
    std::map<int, int> hits;
    for (const float u : grid_draws(63 * 10)) ++hits[p->destination(src, 0.5f, u)];
    EXPECT_EQ(hits.size(), 63u);
    EXPECT_EQ(hits.count(src), 0u);
    for (const auto& [dst, n] : hits) EXPECT_EQ(n, 10) << src << "->" << dst;
  }
  EXPECT_NE(p->destination(63, 0.5f, 1.0f), 63);
}

TEST(TrafficPattern, TransposeSwapsCoordinatesAndSilencesTheDiagonal) {
  const auto t = make_topology(mesh8());
  const auto p = make_traffic_pattern("transpose", *t, 0.2);
  EXPECT_EQ(p->destination(t->node_at(1, 6), 0.3f, 0.7f), t->node_at(6, 1));
  EXPECT_FALSE(p->sends(t->node_at(3, 3)));
  EXPECT_TRUE(p->sends(t->node_at(3, 4)));
}

TEST(TrafficPattern, HotspotSendsItsFractionToTheCentre) {
  const auto t = make_topology(mesh8());
  const auto p = make_traffic_pattern("hotspot", *t, 0.2);
  const int centre = t->node_at(4, 4);
  int to_centre = 0;
  const auto draws = grid_draws(1000);
  for (std::size_t k = 0; k < draws.size(); ++k) {
    const int d = p->destination(0, draws[k], draws[(k * 7919) % draws.size()]);
    EXPECT_NE(d, 0);
    to_centre += d == centre ? 1 : 0;
  }
  // 20 % directly, plus the centre's 1/63 share of the uniform rest.
  EXPECT_NEAR(to_centre / 1000.0, 0.2 + 0.8 / 63, 0.01);
  for (const float u : grid_draws(100)) EXPECT_NE(p->destination(centre, u, u), centre);
}

TEST(TrafficPattern, NeighbourPicksADirectlyLinkedNode) {
  NetworkConfig c;
  c.topology = Topology::neighbour;
  const auto t = make_topology(c);
  const auto p = make_traffic_pattern("neighbour", *t, 0.2);
  const int node = t->node_at(3, 3);
  std::map<int, int> hits;
  for (const float u : grid_draws(600)) ++hits[p->destination(node, 0.5f, u)];
  EXPECT_EQ(hits.size(), 6u);
  for (const auto& [dst, n] : hits) {
    EXPECT_EQ(t->hop_count(node, dst), 1);
    EXPECT_EQ(n, 100);
  }
}

TEST(TrafficPattern, ErrorsNameTheParameter) {
  const auto t = make_topology(mesh8());
  EXPECT_EQ(thrown_by([&] { make_traffic_pattern("tornado", *t, 0.2); }).parameter(), "noc.traffic");
  EXPECT_EQ(thrown_by([&] { make_traffic_pattern("hotspot", *t, 1.5); }).parameter(), "noc.hotspot_fraction");
  NetworkConfig wide = mesh8();
  wide.grid_x = 4;
  wide.grid_y = 2;
  const auto w = make_topology(wide);
  EXPECT_EQ(thrown_by([&] { make_traffic_pattern("transpose", *w, 0.2); }).parameter(), "noc.traffic");
  NetworkConfig single = mesh8();
  single.grid_x = single.grid_y = 1;
  const auto s = make_topology(single);
  EXPECT_EQ(thrown_by([&] { make_traffic_pattern("uniform", *s, 0.2); }).parameter(), "noc.traffic");
  EXPECT_EQ(parse_traffic_pattern("neighbour"), "neighbour");
  EXPECT_EQ(thrown_by([] { parse_traffic_pattern("Uniform"); }).parameter(), "noc.traffic");
}

TEST(TrafficConfig, ParseRates) {
  EXPECT_EQ(parse_rates("0.01,0.02, 0.5"), (std::vector<double>{0.01, 0.02, 0.5}));
  EXPECT_EQ(parse_rates("1"), (std::vector<double>{1.0}));
  for (const char* bad : {"", "0.1,", ",0.1", "abc", "0.1,x", "0", "-0.1", "1.5", "0.1;0.2", "0.1x"}) {
    EXPECT_EQ(thrown_by([&] { parse_rates(bad); }).parameter(), "noc.rates") << "'" << bad << "'";
  }
}

TEST(TrafficConfig, ValidateNamesTheField) {
  const auto field_of = [](const std::function<void(TrafficConfig&, NetworkConfig&)>& change) {
    TrafficConfig t = traffic({0.01});
    NetworkConfig n = mesh8();
    change(t, n);
    return thrown_by([&] { validate(t, n); }).parameter();
  };
  EXPECT_NO_THROW(validate(traffic({0.01}), mesh8()));
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.pattern = "bitrev"; }), "noc.traffic");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.rates.clear(); }), "noc.rates");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.rates = {0.1, 0}; }), "noc.rates");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.packet_flits = 0; }), "noc.packet_flits");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig& n) { t.packet_flits = n.max_packet_flits + 1; }),
            "noc.packet_flits");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.warmup_cycles = -1; }), "noc.warmup_cycles");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.measure_cycles = 0; }), "noc.measure_cycles");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.drain_limit_cycles = -5; }), "noc.drain_limit_cycles");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.hotspot_fraction = -0.1; }), "noc.hotspot_fraction");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.link_bit_energy_pj = -1; }), "noc.link_bit_energy_pj");
  EXPECT_EQ(field_of([](TrafficConfig& t, NetworkConfig&) { t.router_bit_energy_pj = NAN; }),
            "noc.router_bit_energy_pj");
  EXPECT_EQ(field_of([](TrafficConfig&, NetworkConfig& n) { n.buffer_flits = 0; }), "interconnect.buffer_flits");
}

TEST(TrafficConfig, EnergyDefaultsComeFromTheTechnologyTable) {
  const TrafficConfig t;
  EXPECT_EQ(t.link_bit_energy_pj, hw::hermes_technology().link_bit_energy_pj);
  EXPECT_EQ(t.router_bit_energy_pj, hw::hermes_technology().router_bit_energy_pj);
  EXPECT_EQ(t.packet_flits, 8);
}

TEST(SyntheticTraffic, LowLoadLatencyIsTheZeroLoadLatency) {
  const NetworkConfig n = mesh8();
  const auto topology = make_topology(n);
  double analytic = 0;  // mean of the formula over all ordered pairs of distinct nodes
  for (int s = 0; s < 64; ++s) {
    for (int d = 0; d < 64; ++d) {
      if (s != d) analytic += static_cast<double>(zero_load_latency_cycles(n, topology->hop_count(s, d), 8));
    }
  }
  analytic /= 64.0 * 63.0;
  EXPECT_NEAR(analytic, 2 * (1 + 5.25 * 64 / 63) + 8, 1e-9);  // mean Manhattan distance 5.33 hops

  const TrafficPoint p = run_traffic_point(n, traffic({0.001}, 10000), 0.001);
  EXPECT_EQ(p.delivered_packets, p.injected_packets);
  EXPECT_GT(p.injected_packets, 500);
  EXPECT_NEAR(p.avg_hops, 5.333, 0.25);
  EXPECT_NEAR(p.avg_zero_load_latency_cycles, analytic, 0.5);
  EXPECT_GE(p.avg_latency_cycles, p.avg_zero_load_latency_cycles);
  EXPECT_LT(p.avg_latency_cycles, 1.03 * p.avg_zero_load_latency_cycles);
}

TEST(SyntheticTraffic, LatencyGrowsWithTheRateAndThroughputSaturates) {
  const std::vector<double> rates{0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.1};
  const TrafficResult r = run_synthetic_traffic(mesh8(), traffic(rates));
  ASSERT_EQ(r.points.size(), rates.size());
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const TrafficPoint& p = r.points[i];
    EXPECT_EQ(p.rate, rates[i]);
    if (i > 0) {
      EXPECT_GT(p.avg_latency_cycles, r.points[i - 1].avg_latency_cycles) << "rate " << p.rate;
    }
    if (rates[i] <= 0.03) {
      // Below saturation the network accepts what is offered, within 4 sigma of the Bernoulli count.
      const double offered = rates[i] * 8;
      const double sigma = offered / std::sqrt(rates[i] * 64 * 3000);
      EXPECT_NEAR(p.throughput_flits_per_node_cycle, offered, 4 * sigma) << "rate " << p.rate;
      EXPECT_EQ(p.delivered_packets, p.injected_packets);
    }
  }
  const TrafficPoint& past = r.points[5];
  const TrafficPoint& far = r.points[6];
  // Saturated: the accepted throughput levels off well below the offered load, latency explodes.
  EXPECT_NEAR(far.throughput_flits_per_node_cycle, past.throughput_flits_per_node_cycle,
              0.05 * past.throughput_flits_per_node_cycle);
  EXPECT_GT(far.throughput_flits_per_node_cycle, 0.28);
  EXPECT_LT(far.throughput_flits_per_node_cycle, 0.45);
  EXPECT_GT(far.avg_latency_cycles, 20 * r.points[0].avg_latency_cycles);
}

TEST(SyntheticTraffic, MoreVirtualChannelsSaturateLater) {
  const TrafficConfig t = traffic({0.1}, 2000, 0);
  const double one = run_traffic_point(mesh8(1), t, 0.1).throughput_flits_per_node_cycle;
  const double four = run_traffic_point(mesh8(4), t, 0.1).throughput_flits_per_node_cycle;
  EXPECT_GT(one, 0.2);
  EXPECT_LT(one, 0.3);
  EXPECT_GT(four, one + 0.08);
}

TEST(SyntheticTraffic, MeasuredPacketsAreAllDeliveredAtFullLoad) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    NetworkConfig n;
    n.topology = kind;
    TrafficConfig t = traffic({1.0}, 50, 1000000);
    t.warmup_cycles = 50;
    const TrafficPoint p = run_traffic_point(n, t, 1.0);
    EXPECT_EQ(p.injected_packets, 50 * 64) << topology_name(kind);
    EXPECT_EQ(p.delivered_packets, p.injected_packets) << topology_name(kind);
    EXPECT_GT(p.drain_cycles, 1000);
  }
}

TEST(SyntheticTraffic, PacketsLeftAtTheDrainLimitAreReported) {
  const TrafficPoint p = run_traffic_point(mesh8(), traffic({0.2}, 1000, 100), 0.2);
  EXPECT_EQ(p.drain_cycles, 100);
  EXPECT_GT(p.injected_packets, 0);
  EXPECT_LT(p.delivered_packets, p.injected_packets);
  const auto j = to_json({"mesh", "uniform", 8, {p}});
  EXPECT_EQ(j["points"][0]["injected_packets"], p.injected_packets);
  EXPECT_EQ(j["points"][0]["delivered_packets"], p.delivered_packets);
}

TEST(SyntheticTraffic, OtherPatternsAtLowLoad) {
  NetworkConfig n;
  n.topology = Topology::neighbour;
  // 0.002 packets per cycle per node: the hotspot's ejection port (1 flit per cycle) saturates near
  // 1 / (8 x (0.2 x 63 + 0.8)) = 0.0093.
  const TrafficConfig base = traffic({0.002}, 4000);
  for (const char* name : {"transpose", "hotspot", "neighbour"}) {
    TrafficConfig t = base;
    t.pattern = name;
    const TrafficPoint p = run_traffic_point(n, t, 0.002);
    EXPECT_EQ(p.delivered_packets, p.injected_packets) << name;
    EXPECT_GT(p.injected_packets, 0) << name;
    EXPECT_LT(p.avg_latency_cycles, 1.3 * p.avg_zero_load_latency_cycles) << name;
    if (std::string(name) == "neighbour") {
      EXPECT_EQ(p.avg_hops, 1.0);
    }
  }
}

TEST(SyntheticTraffic, EnergyIsBitHopsTimesTheTable) {
  TrafficConfig t = traffic({0.02}, 2000);
  t.link_bit_energy_pj = 0.3;
  t.router_bit_energy_pj = 0.1;
  NetworkConfig n = mesh8();
  n.link_width_bits = 16;
  const TrafficPoint p = run_traffic_point(n, t, 0.02);
  EXPECT_GT(p.flit_hops, 0);
  EXPECT_DOUBLE_EQ(p.energy_uj, static_cast<double>(p.flit_hops) * 16 * 0.4 * 1e-6);
  // In steady state the window's flit hops are about throughput x nodes x cycles x mean hops.
  EXPECT_NEAR(static_cast<double>(p.flit_hops), p.throughput_flits_per_node_cycle * 64 * 2000 * p.avg_hops,
              0.05 * static_cast<double>(p.flit_hops));
}

TEST(SyntheticTraffic, SameSeedSameResult) {
  NetworkConfig n;
  n.topology = Topology::torus;
  TrafficConfig t = traffic({0.02, 0.05}, 1000, 1000);
  const std::string a = to_json(run_synthetic_traffic(n, t)).dump();
  EXPECT_EQ(a, to_json(run_synthetic_traffic(n, t)).dump());
  t.seed = 2;
  EXPECT_NE(a, to_json(run_synthetic_traffic(n, t)).dump());
}

TEST(SyntheticTraffic, JsonHasExactlyTheDocumentedFields) {
  TrafficConfig t = traffic({0.01, 1e-6}, 200, 1000);
  const auto j = to_json(run_synthetic_traffic(mesh8(), t));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"topology", "traffic", "packet_flits", "points"}));
  EXPECT_EQ(j["topology"], "mesh");
  EXPECT_EQ(j["traffic"], "uniform");
  EXPECT_EQ(j["packet_flits"], 8);
  ASSERT_EQ(j["points"].size(), 2u);
  std::vector<std::string> point_keys;
  for (const auto& [k, v] : j["points"][0].items()) point_keys.push_back(k);
  EXPECT_EQ(point_keys, (std::vector<std::string>{"rate", "avg_latency_cycles", "max_latency_cycles",
                                                  "throughput_flits_per_node_cycle", "energy_uj", "injected_packets",
                                                  "delivered_packets"}));
  EXPECT_TRUE(j["points"][0]["avg_latency_cycles"].is_number());
  EXPECT_TRUE(j["points"][0]["max_latency_cycles"].is_number_integer());
  // Nothing created in a 200-cycle window at 1e-6 packets per cycle: latencies are null, not 0.
  EXPECT_EQ(j["points"][1]["injected_packets"], 0);
  EXPECT_TRUE(j["points"][1]["avg_latency_cycles"].is_null());
  EXPECT_TRUE(j["points"][1]["max_latency_cycles"].is_null());
}

}  // namespace
}  // namespace imcsim::interconnect
