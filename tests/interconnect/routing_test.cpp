// Tests of the routing functions (interconnect/routing.h): every route arrives on a shortest path, uses
// allowed virtual channels, follows its topology's rule (XY, dateline, diagonal-x-y order), and the channel
// dependency graph of every topology's routing is acyclic (no wormhole deadlock); a torus routing without
// datelines has a cycle, which shows the check can fail.

#include "interconnect/routing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/errors.h"
#include "interconnect/impl/grid_ports.h"

namespace imcsim::interconnect {
namespace {

NetworkConfig network(Topology topology, int grid_x = 8, int grid_y = 8, int vcs = 2) {
  NetworkConfig c;
  c.topology = topology;
  c.grid_x = grid_x;
  c.grid_y = grid_y;
  c.virtual_channels = vcs;
  return c;
}

/// A channel: (link, virtual channel).
using Channel = std::pair<int, int>;

/// The channel dependency graph of a routing function: an edge c1 -> c2 when a packet holding c1 may request
/// c2 next, over every source, destination and every allowed virtual-channel choice.
std::map<Channel, std::set<Channel>> dependency_graph(const NetworkTopology& t, const RoutingAlgorithm& r) {
  std::map<Channel, std::set<Channel>> graph;
  for (int dst = 0; dst < t.nodes(); ++dst) {
    // State: a packet for dst that entered `node` on (link, vc); link -1 = injected at node.
    std::set<std::tuple<int, int, int>> seen;
    std::vector<std::tuple<int, int, int>> work;
    for (int src = 0; src < t.nodes(); ++src) work.emplace_back(src, -1, 0);
    while (!work.empty()) {
      const auto [node, link, vc] = work.back();
      work.pop_back();
      if (!seen.insert({node, link, vc}).second) continue;
      const int in_port = link < 0 ? local_port : t.links()[static_cast<std::size_t>(link)].dst_port;
      const RouteChoice choice = r.route(node, dst, in_port, vc);
      if (choice.port == local_port) continue;
      const int next_link = t.link_id(node, choice.port);
      for (int w = choice.vc_first; w < choice.vc_first + choice.vc_count; ++w) {
        if (link >= 0) graph[{link, vc}].insert({next_link, w});
        work.emplace_back(t.neighbour(node, choice.port), next_link, w);
      }
    }
  }
  return graph;
}

bool has_cycle(const std::map<Channel, std::set<Channel>>& graph) {
  std::map<Channel, int> state;  // 1 on the stack, 2 done
  std::function<bool(const Channel&)> visit = [&](const Channel& c) {
    state[c] = 1;
    const auto it = graph.find(c);
    if (it != graph.end()) {
      for (const Channel& next : it->second) {
        const int s = state[next];
        if (s == 1 || (s == 0 && visit(next))) return true;
      }
    }
    state[c] = 2;
    return false;
  };
  for (const auto& [c, edges] : graph) {
    if (state[c] == 0 && visit(c)) return true;
  }
  return false;
}

TEST(Routing, FactoryPicksTheTopologysRouting) {
  const std::map<Topology, std::string> expected{
      {Topology::mesh, "xy"}, {Topology::torus, "xy-dateline"}, {Topology::neighbour, "table"}};
  for (const auto& [kind, name] : expected) {
    const NetworkConfig c = network(kind);
    const auto t = make_topology(c);
    EXPECT_EQ(make_routing(c, *t)->name(), name);
  }
  const auto mesh = make_topology(network(Topology::mesh));
  EXPECT_THROW(make_routing(network(Topology::torus), *mesh), Error);
}

TEST(Routing, EveryRouteArrivesOnAShortestPathWithAllowedChannels) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    for (const auto& [gx, gy] : std::vector<std::pair<int, int>>{{8, 8}, {5, 3}, {4, 7}, {2, 6}}) {
      for (const int vcs : {2, 3}) {
        const NetworkConfig c = network(kind, gx, gy, vcs);
        const auto t = make_topology(c);
        const auto r = make_routing(c, *t);
        for (int s = 0; s < t->nodes(); ++s) {
          for (int d = 0; d < t->nodes(); ++d) {
            const auto hops = trace_route(*t, *r, s, d);
            ASSERT_EQ(static_cast<int>(hops.size()), t->hop_count(s, d))
                << t->name() << " " << gx << "x" << gy << " " << s << "->" << d;
            for (const RouteHop& h : hops) ASSERT_TRUE(h.vc >= 0 && h.vc < vcs);
          }
        }
      }
    }
  }
}

TEST(Routing, MeshRoutesXThenY) {
  const NetworkConfig c = network(Topology::mesh);
  const auto t = make_topology(c);
  const auto r = make_routing(c, *t);
  const auto hops = trace_route(*t, *r, t->node_at(6, 1), t->node_at(2, 5));
  ASSERT_EQ(hops.size(), 8u);
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const int port = t->links()[static_cast<std::size_t>(hops[i].link)].src_port;
    EXPECT_EQ(port, i < 4 ? grid_ports::west : grid_ports::north) << i;
  }
}

TEST(Routing, TorusTakesTheShorterWayAndSwitchesClassAtTheDateline) {
  const NetworkConfig c = network(Topology::torus, 8, 8, 2);
  const auto t = make_topology(c);
  const auto r = make_routing(c, *t);
  // x: 6 -> 1 is 3 hops east over the wrap link (6->7 low, 7->0 wraps: high, 0->1 high);
  // y: 2 -> 1 is one hop south, back in the low class.
  const auto hops = trace_route(*t, *r, t->node_at(6, 2), t->node_at(1, 1));
  ASSERT_EQ(hops.size(), 4u);
  const std::vector<int> ports{grid_ports::east, grid_ports::east, grid_ports::east, grid_ports::south};
  const std::vector<int> vcs{0, 1, 1, 0};
  for (std::size_t i = 0; i < hops.size(); ++i) {
    EXPECT_EQ(t->links()[static_cast<std::size_t>(hops[i].link)].src_port, ports[i]) << i;
    EXPECT_EQ(hops[i].vc, vcs[i]) << i;
  }
  // A packet that does not cross the dateline may start in either class and keeps it.
  const RouteChoice first = r->route(t->node_at(1, 1), t->node_at(3, 1), local_port, 0);
  EXPECT_EQ(first.vc_first, 0);
  EXPECT_EQ(first.vc_count, 2);
  EXPECT_EQ(r->route(t->node_at(2, 1), t->node_at(3, 1), grid_ports::west, 1).vc_first, 1);
  EXPECT_EQ(r->route(t->node_at(2, 1), t->node_at(3, 1), grid_ports::west, 0).vc_count, 1);
  // A tie (4 hops either way) goes the positive way from even nodes (x + y) and the negative way from odd.
  const auto ports_of = [&](int s, int d) {
    std::set<int> used;
    for (const RouteHop& h : trace_route(*t, *r, s, d))
      used.insert(t->links()[static_cast<std::size_t>(h.link)].src_port);
    return used;
  };
  EXPECT_EQ(ports_of(t->node_at(0, 0), t->node_at(4, 0)), std::set<int>{grid_ports::east});
  EXPECT_EQ(ports_of(t->node_at(1, 0), t->node_at(5, 0)), std::set<int>{grid_ports::west});
  EXPECT_EQ(ports_of(t->node_at(3, 2), t->node_at(3, 6)), std::set<int>{grid_ports::south});
}

TEST(Routing, NeighbourTakesXThenDiagonalThenY) {
  const NetworkConfig c = network(Topology::neighbour);
  const auto t = make_topology(c);
  const auto r = make_routing(c, *t);
  const auto rank = [](int port) {
    if (port == grid_ports::east || port == grid_ports::west) return 0;
    return port == grid_ports::north_east || port == grid_ports::south_west ? 1 : 2;
  };
  for (int s = 0; s < t->nodes(); ++s) {
    for (int d = 0; d < t->nodes(); ++d) {
      int last_rank = 0;
      for (const RouteHop& h : trace_route(*t, *r, s, d)) {
        const int k = rank(t->links()[static_cast<std::size_t>(h.link)].src_port);
        ASSERT_GE(k, last_rank) << s << "->" << d;
        last_rank = k;
      }
    }
  }
  // (1, 1) -> (5, 3): 2 east, then 2 diagonal.
  const auto hops = trace_route(*t, *r, t->node_at(1, 1), t->node_at(5, 3));
  ASSERT_EQ(hops.size(), 4u);
  const std::vector<int> ports{grid_ports::east, grid_ports::east, grid_ports::north_east, grid_ports::north_east};
  for (std::size_t i = 0; i < hops.size(); ++i) {
    EXPECT_EQ(t->links()[static_cast<std::size_t>(hops[i].link)].src_port, ports[i]) << i;
  }
}

/// Flits per cycle on the busiest link when every node injects one flit per cycle of uniform traffic.
double busiest_link_load(const NetworkTopology& t, const RoutingAlgorithm& r) {
  std::vector<double> load(t.links().size(), 0.0);
  for (int s = 0; s < t.nodes(); ++s) {
    for (int d = 0; d < t.nodes(); ++d) {
      if (s == d) continue;
      for (const RouteHop& h : trace_route(t, r, s, d)) load[static_cast<std::size_t>(h.link)] += 1.0 / (t.nodes() - 1);
    }
  }
  return *std::max_element(load.begin(), load.end());
}

TEST(Routing, BusiestLinkLoadUnderUniformTraffic) {
  // The channel-load bound on throughput: 1 / load flits per cycle per node.
  const std::map<Topology, double> expected{
      {Topology::mesh, 2.032}, {Topology::torus, 1.016}, {Topology::neighbour, 2.032}};
  for (const auto& [kind, load] : expected) {
    const NetworkConfig c = network(kind);
    const auto t = make_topology(c);
    EXPECT_NEAR(busiest_link_load(*t, *make_routing(c, *t)), load, 0.001) << topology_name(kind);
  }
}

TEST(Routing, ChannelDependencyGraphsAreAcyclic) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    for (const int vcs : {2, 3}) {
      const NetworkConfig c = network(kind, 8, 8, vcs);
      const auto t = make_topology(c);
      const auto r = make_routing(c, *t);
      const auto graph = dependency_graph(*t, *r);
      EXPECT_FALSE(graph.empty());
      EXPECT_FALSE(has_cycle(graph)) << t->name() << " with " << vcs << " virtual channels";
    }
  }
}

/// Shortest-way dimension-order routing on the torus with every virtual channel allowed: deadlock prone.
class TorusWithoutDateline final : public RoutingAlgorithm {
 public:
  explicit TorusWithoutDateline(const RoutingAlgorithm& dateline) : m_dateline(dateline) {}
  std::string name() const override { return "torus-no-dateline"; }
  RouteChoice route(int node, int dst, int in_port, int in_vc) const override {
    RouteChoice c = m_dateline.route(node, dst, in_port, in_vc);
    return {c.port, 0, 2};
  }

 private:
  const RoutingAlgorithm& m_dateline;
};

TEST(Routing, TorusWithoutDatelineHasADependencyCycle) {
  const NetworkConfig c = network(Topology::torus, 8, 8, 2);
  const auto t = make_topology(c);
  const auto dateline = make_routing(c, *t);
  const TorusWithoutDateline plain(*dateline);
  EXPECT_TRUE(has_cycle(dependency_graph(*t, plain)));
}

}  // namespace
}  // namespace imcsim::interconnect
