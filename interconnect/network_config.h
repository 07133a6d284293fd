#pragma once
// Resolved configuration of the on-chip network (the chip config's `interconnect` section).

#include <string>

namespace imcsim::interconnect {

enum class Topology {
  mesh,       ///< 2-D mesh, XY routing
  torus,      ///< 2-D torus (wrap-around links), XY routing on the shorter way, dateline virtual channels
  neighbour,  ///< HERMES-like: each node linked to up to 6 neighbours (mesh plus one diagonal), table routing
};

/// "mesh" | "torus" | "neighbour"; throws ParameterError("interconnect.topology").
Topology parse_topology(const std::string& name);
std::string topology_name(Topology topology);

struct NetworkConfig {
  Topology topology = Topology::neighbour;
  int grid_x = 8;                 ///< nodes per row; nodes = grid_x * grid_y
  int grid_y = 8;
  int link_width_bits = 8;        ///< one flit = one link width, moved in one network cycle
  double clock_mhz = 400.0;       ///< network clock
  int router_latency_cycles = 1;  ///< pipeline delay of one router traversal (head flit)
  int buffer_flits = 4;           ///< input buffer depth per port and virtual channel
  int virtual_channels = 2;       ///< per port (the torus needs 2 for its dateline)
  int max_packet_flits = 32;      ///< larger messages are split into packets of at most this many flits
  std::string mode = "lt";        ///< lt: link reservations (fast); at: flit-level wormhole model
};

/// Throws ParameterError naming "interconnect.<field>" for invalid values.
void validate(const NetworkConfig& config);

}  // namespace imcsim::interconnect
