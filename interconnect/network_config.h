#pragma once
// Resolved configuration of the on-chip network (the chip config's `interconnect` section).

#include <string>

#include "base/name_table.h"

namespace imcsim::interconnect {

enum class Topology {
  mesh,       ///< 2-D mesh, XY routing
  torus,      ///< 2-D torus (wrap-around links), XY routing on the shorter way, dateline virtual channels
  neighbour,  ///< HERMES-like: each node linked to up to 6 neighbours (mesh plus one diagonal), table routing
};

/// mesh, torus, neighbour.
const NameTable<Topology>& topology_names();
/// "mesh" | "torus" | "neighbour"; throws ParameterError("interconnect.topology").
Topology parse_topology(const std::string& name);
std::string topology_name(Topology topology);

/// interconnect.mode: how the network times a transfer.
enum class NetworkMode {
  lt,  ///< link reservations (fast)
  at,  ///< flit-level wormhole model
};
/// lt, at.
const NameTable<NetworkMode>& network_mode_names();

struct NetworkConfig {
  Topology topology = Topology::neighbour;
  int grid_x = 8;  ///< nodes per row; nodes = grid_x * grid_y
  int grid_y = 8;
  int link_width_bits = 8;        ///< one flit = one link width, moved in one network cycle
  double clock_mhz = 400.0;       ///< network clock
  int router_latency_cycles = 1;  ///< pipeline delay of one router traversal (head flit)
  int buffer_flits = 4;           ///< input buffer depth per port and virtual channel
  int virtual_channels = 2;       ///< per port (the torus needs 2 for its dateline)
  int max_packet_flits = 32;      ///< larger messages are split into packets of at most this many flits
  NetworkMode mode = NetworkMode::lt;
  int offchip_node = 0;  ///< node whose router also connects the off-chip port (inputs, outputs)
};

/// Largest network the models accept (the neighbour network keeps a nodes x nodes routing table).
inline constexpr int max_network_nodes = 4096;
/// Largest number of virtual channels per port of the flit-level model.
inline constexpr int max_virtual_channels = 8;

/// Throws ParameterError naming "interconnect.<field>" for invalid values: grid_x, grid_y >= 1 with at most
/// max_network_nodes nodes; link_width_bits >= 1; clock_mhz > 0; router_latency_cycles >= 1;
/// buffer_flits >= 1; 1 <= virtual_channels <= max_virtual_channels (torus: >= 2); max_packet_flits >= 1.
/// That grid_x * grid_y equals the core count is the chip config's check.
void validate(const NetworkConfig& config);

}  // namespace imcsim::interconnect
