#pragma once
// Topology of the on-chip network: nodes on a grid_x x grid_y grid, the ports of each router and the
// directed links (channels) between them.
//
// Contract: node n sits at (n % grid_x, n / grid_x); +x is east, +y is north. Port 0 of every router is the
// local port (injection from and ejection to the node's core); ports 1 .. ports() - 1 are network ports,
// each a fixed step (dx, dy). Links are symmetric: if node a reaches b over port p, then b reaches a over
// opposite(p), and a flit sent on a's port p enters b through b's input port opposite(p). A topology is
// immutable after construction and safe to share between threads.

#include <memory>
#include <string>
#include <vector>

#include "interconnect/network_config.h"

namespace imcsim::interconnect {

/// The local (injection/ejection) port of every router.
inline constexpr int local_port = 0;

struct Coord {
  int x = 0;
  int y = 0;
};

/// A network port: its name and the grid step it takes.
struct PortSpec {
  std::string name;
  int dx = 0;
  int dy = 0;
};

/// One directed channel.
struct Link {
  int src = 0;
  int src_port = 0;  ///< output port at src
  int dst = 0;
  int dst_port = 0;    ///< input port at dst (opposite(src_port))
  bool wraps = false;  ///< a wrap-around link of the torus
};

class NetworkTopology {
 public:
  virtual ~NetworkTopology() = default;
  NetworkTopology(const NetworkTopology&) = delete;
  NetworkTopology& operator=(const NetworkTopology&) = delete;

  virtual std::string name() const = 0;
  /// Length of a shortest path from src to dst in links (0 when src == dst), in closed form.
  virtual int hop_count(int src, int dst) const = 0;

  int grid_x() const { return m_grid_x; }
  int grid_y() const { return m_grid_y; }
  int nodes() const { return m_grid_x * m_grid_y; }
  Coord coord(int node) const { return {node % m_grid_x, node / m_grid_x}; }
  int node_at(int x, int y) const { return y * m_grid_x + x; }

  /// Ports per router, the local port included.
  int ports() const { return static_cast<int>(m_ports.size()); }
  /// Port 0 is {"local", 0, 0}.
  const PortSpec& port(int p) const { return m_ports[static_cast<std::size_t>(p)]; }
  /// The port taking the opposite step (local for local).
  int opposite(int p) const { return m_opposite[static_cast<std::size_t>(p)]; }
  /// Node reached from `node` over network port p, or -1 when that port has no link.
  int neighbour(int node, int p) const { return m_neighbour[index(node, p)]; }
  /// Index into links() of the link leaving `node` on port p, or -1.
  int link_id(int node, int p) const { return m_link_id[index(node, p)]; }
  /// Number of links leaving `node`.
  int degree(int node) const;
  /// Every directed link, ordered by (src, src_port).
  const std::vector<Link>& links() const { return m_links; }

 protected:
  /// Builds the links: node n has a link on port p to the node one step (dx, dy) away if that node is in the
  /// grid; with `wrap`, a step off one edge re-enters at the opposite edge, except in a dimension of 2 nodes or
  /// fewer (where the wrap-around link would duplicate the direct one or loop back to the node itself).
  NetworkTopology(int grid_x, int grid_y, const std::vector<PortSpec>& network_ports, bool wrap);

 private:
  std::size_t index(int node, int p) const {
    return static_cast<std::size_t>(node) * m_ports.size() + static_cast<std::size_t>(p);
  }

  int m_grid_x;
  int m_grid_y;
  std::vector<PortSpec> m_ports;
  std::vector<int> m_opposite;
  std::vector<int> m_neighbour;
  std::vector<int> m_link_id;
  std::vector<Link> m_links;
};

/// Builds the configured topology (mesh, torus or neighbour). Validates the config first.
std::unique_ptr<NetworkTopology> make_topology(const NetworkConfig& config);

}  // namespace imcsim::interconnect
