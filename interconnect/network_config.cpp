#include "interconnect/network_config.h"

#include "base/check.h"
#include "base/errors.h"

namespace imcsim::interconnect {

const NameTable<Topology>& topology_names() {
  static const NameTable<Topology> table{
      {Topology::mesh, "mesh"}, {Topology::torus, "torus"}, {Topology::neighbour, "neighbour"}};
  return table;
}

Topology parse_topology(const std::string& name) {
  return topology_names().parse(name, "interconnect.topology", "topology");
}

std::string topology_name(Topology topology) { return topology_names().name(topology); }

const NameTable<NetworkMode>& network_mode_names() {
  static const NameTable<NetworkMode> table{{NetworkMode::lt, "lt"}, {NetworkMode::at, "at"}};
  return table;
}

void validate(const NetworkConfig& config) {
  require_in_range("interconnect.grid_x", config.grid_x, 1, max_network_nodes);
  require_in_range("interconnect.grid_y", config.grid_y, 1, max_network_nodes);
  if (config.grid_x * config.grid_y > max_network_nodes) {
    throw ParameterError("interconnect.grid_x", "a " + std::to_string(config.grid_x) + " x " +
                                                    std::to_string(config.grid_y) + " grid exceeds " +
                                                    std::to_string(max_network_nodes) + " nodes");
  }
  require_in_range("interconnect.link_width_bits", config.link_width_bits, 1, 4096);
  require_positive("interconnect.clock_mhz", config.clock_mhz);
  require_in_range("interconnect.router_latency_cycles", config.router_latency_cycles, 1, 1000);
  require_in_range("interconnect.buffer_flits", config.buffer_flits, 1, 1 << 16);
  require_in_range("interconnect.virtual_channels", config.virtual_channels, 1, max_virtual_channels);
  if (config.topology == Topology::torus && config.virtual_channels < 2) {
    throw ParameterError("interconnect.virtual_channels", "a torus needs at least 2 virtual channels (dateline), got " +
                                                              std::to_string(config.virtual_channels));
  }
  require_in_range("interconnect.max_packet_flits", config.max_packet_flits, 1, 1 << 20);
  if (config.offchip_node < 0 || config.offchip_node >= config.grid_x * config.grid_y) {
    throw ParameterError("interconnect.offchip_node", "node " + std::to_string(config.offchip_node) +
                                                          " is not in the " + std::to_string(config.grid_x) + " x " +
                                                          std::to_string(config.grid_y) + " grid");
  }
}

}  // namespace imcsim::interconnect
