// Tests of the network topologies (interconnect/topology.h) and of the network config: link counts and
// degrees, link symmetry, closed-form hop counts against breadth-first search, and the validation errors.

#include "interconnect/topology.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "interconnect/network_config.h"

namespace imcsim::interconnect {
namespace {

NetworkConfig network(Topology topology, int grid_x = 8, int grid_y = 8) {
  NetworkConfig c;
  c.topology = topology;
  c.grid_x = grid_x;
  c.grid_y = grid_y;
  return c;
}

/// Shortest-path lengths from `src` by breadth-first search over the links.
std::vector<int> bfs_distances(const NetworkTopology& t, int src) {
  std::vector<int> d(static_cast<std::size_t>(t.nodes()), -1);
  std::vector<int> queue{src};
  d[static_cast<std::size_t>(src)] = 0;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const int n = queue[i];
    for (int p = 1; p < t.ports(); ++p) {
      const int m = t.neighbour(n, p);
      if (m >= 0 && d[static_cast<std::size_t>(m)] < 0) {
        d[static_cast<std::size_t>(m)] = d[static_cast<std::size_t>(n)] + 1;
        queue.push_back(m);
      }
    }
  }
  return d;
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

TEST(Topology, MeshLinksAndDegrees) {
  const auto t = make_topology(network(Topology::mesh));
  EXPECT_EQ(t->name(), "mesh");
  EXPECT_EQ(t->nodes(), 64);
  EXPECT_EQ(t->ports(), 5);
  EXPECT_EQ(t->links().size(), 224u);  // 2 directions x 2 dimensions x 8 rows x 7 links
  EXPECT_EQ(t->degree(t->node_at(0, 0)), 2);
  EXPECT_EQ(t->degree(t->node_at(3, 0)), 3);
  EXPECT_EQ(t->degree(t->node_at(3, 4)), 4);
  for (const Link& l : t->links()) EXPECT_FALSE(l.wraps);
}

TEST(Topology, TorusLinksAndDegrees) {
  const auto t = make_topology(network(Topology::torus));
  EXPECT_EQ(t->links().size(), 256u);  // 4 per node
  int wrapping = 0;
  for (int n = 0; n < t->nodes(); ++n) EXPECT_EQ(t->degree(n), 4);
  for (const Link& l : t->links()) wrapping += l.wraps ? 1 : 0;
  EXPECT_EQ(wrapping, 32);  // 8 rows + 8 columns, both directions
  EXPECT_EQ(t->neighbour(t->node_at(7, 2), 1), t->node_at(0, 2));
  EXPECT_EQ(t->neighbour(t->node_at(3, 0), 4), t->node_at(3, 7));
}

TEST(Topology, TorusDimensionsOfTwoOrFewerNodesHaveNoWrapLinks) {
  const auto t = make_topology(network(Topology::torus, 2, 5));
  const auto m = make_topology(network(Topology::mesh, 2, 5));
  EXPECT_EQ(t->links().size(), m->links().size() + 2 * 2);  // only the two columns of 5 wrap
  const auto line = make_topology(network(Topology::torus, 1, 4));
  EXPECT_EQ(line->links().size(), 8u);  // a ring of 4
}

TEST(Topology, NeighbourLinksAndDegrees) {
  const auto t = make_topology(network(Topology::neighbour));
  EXPECT_EQ(t->ports(), 7);
  EXPECT_EQ(t->links().size(), 322u);  // 224 mesh links plus 49 diagonals in both directions
  for (int y = 1; y < 7; ++y) {
    for (int x = 1; x < 7; ++x) EXPECT_EQ(t->degree(t->node_at(x, y)), 6) << x << "," << y;
  }
  EXPECT_EQ(t->degree(t->node_at(0, 0)), 3);  // east, north, north-east
  EXPECT_EQ(t->degree(t->node_at(7, 7)), 3);
  EXPECT_EQ(t->degree(t->node_at(7, 0)), 2);
  EXPECT_EQ(t->degree(t->node_at(0, 7)), 2);
  EXPECT_EQ(t->degree(t->node_at(3, 0)), 4);
}

TEST(Topology, LinksAreSymmetricAndIndexed) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    const auto t = make_topology(network(kind, 5, 7));
    for (std::size_t id = 0; id < t->links().size(); ++id) {
      const Link& l = t->links()[id];
      EXPECT_EQ(t->link_id(l.src, l.src_port), static_cast<int>(id));
      EXPECT_EQ(t->neighbour(l.src, l.src_port), l.dst);
      EXPECT_EQ(l.dst_port, t->opposite(l.src_port));
      EXPECT_EQ(t->neighbour(l.dst, l.dst_port), l.src) << t->name() << " link " << id;
    }
    EXPECT_EQ(t->opposite(local_port), local_port);
    EXPECT_EQ(t->neighbour(0, local_port), -1);
  }
}

TEST(Topology, HopCountsAreShortestPaths) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    for (const auto& [gx, gy] : std::vector<std::pair<int, int>>{{8, 8}, {5, 3}, {4, 7}, {1, 6}}) {
      const auto t = make_topology(network(kind, gx, gy));
      for (int s = 0; s < t->nodes(); ++s) {
        const auto d = bfs_distances(*t, s);
        for (int e = 0; e < t->nodes(); ++e) {
          ASSERT_EQ(t->hop_count(s, e), d[static_cast<std::size_t>(e)])
              << t->name() << " " << gx << "x" << gy << " " << s << "->" << e;
        }
      }
    }
  }
}

TEST(Topology, ClosedFormsOnTheEightByEightGrid) {
  const auto mesh = make_topology(network(Topology::mesh));
  const auto torus = make_topology(network(Topology::torus));
  const auto neighbour = make_topology(network(Topology::neighbour));
  const int a = mesh->node_at(1, 2);
  const int b = mesh->node_at(7, 5);
  EXPECT_EQ(mesh->hop_count(a, b), 6 + 3);
  EXPECT_EQ(torus->hop_count(a, b), 2 + 3);
  EXPECT_EQ(neighbour->hop_count(a, b), 6);                                      // 3 diagonal + 3 east
  EXPECT_EQ(neighbour->hop_count(mesh->node_at(1, 5), mesh->node_at(7, 2)), 9);  // no diagonal shortcut
}

TEST(NetworkConfig, TopologyNamesRoundTrip) {
  for (const Topology kind : {Topology::mesh, Topology::torus, Topology::neighbour}) {
    EXPECT_EQ(parse_topology(topology_name(kind)), kind);
  }
  EXPECT_EQ(thrown_by([] { parse_topology("ring"); }).parameter(), "interconnect.topology");
}

TEST(NetworkConfig, ValidateNamesTheField) {
  const auto field_of = [](const std::function<void(NetworkConfig&)>& change) {
    NetworkConfig c;
    change(c);
    return thrown_by([&] { validate(c); }).parameter();
  };
  EXPECT_NO_THROW(validate(NetworkConfig{}));
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.grid_x = 0; }), "interconnect.grid_x");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.grid_y = -1; }), "interconnect.grid_y");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.grid_x = c.grid_y = 100; }), "interconnect.grid_x");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.link_width_bits = 0; }), "interconnect.link_width_bits");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.link_width_bits = -8; }), "interconnect.link_width_bits");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.clock_mhz = 0; }), "interconnect.clock_mhz");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.router_latency_cycles = 0; }), "interconnect.router_latency_cycles");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.buffer_flits = 0; }), "interconnect.buffer_flits");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.virtual_channels = 0; }), "interconnect.virtual_channels");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.virtual_channels = max_virtual_channels + 1; }),
            "interconnect.virtual_channels");
  EXPECT_EQ(field_of([](NetworkConfig& c) {
              c.topology = Topology::torus;
              c.virtual_channels = 1;
            }),
            "interconnect.virtual_channels");
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.max_packet_flits = 0; }), "interconnect.max_packet_flits");
  EXPECT_THROW(network_mode_names().parse("ca", "interconnect.mode", "mode"), ParameterError);
  EXPECT_EQ(field_of([](NetworkConfig& c) { c.offchip_node = 64; }), "interconnect.offchip_node");
  NetworkConfig mesh_one_vc;
  mesh_one_vc.topology = Topology::mesh;
  mesh_one_vc.virtual_channels = 1;
  EXPECT_NO_THROW(validate(mesh_one_vc));
  EXPECT_EQ(thrown_by([] { make_topology(NetworkConfig{Topology::mesh, 0}); }).parameter(), "interconnect.grid_x");
}

}  // namespace
}  // namespace imcsim::interconnect
