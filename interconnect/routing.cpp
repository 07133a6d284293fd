#include "interconnect/routing.h"

#include "base/errors.h"
#include "interconnect/impl/dateline_torus_routing.h"
#include "interconnect/impl/grid_ports.h"
#include "interconnect/impl/table_routing.h"
#include "interconnect/impl/xy_routing.h"

namespace imcsim::interconnect {

std::unique_ptr<RoutingAlgorithm> make_routing(const NetworkConfig& config, const NetworkTopology& topology) {
  validate(config);
  if (topology.grid_x() != config.grid_x || topology.grid_y() != config.grid_y ||
      topology.name() != topology_name(config.topology)) {
    throw Error("make_routing: the topology was not built from this config");
  }
  switch (config.topology) {
    case Topology::mesh:
      return std::make_unique<XyRouting>(topology, config.virtual_channels);
    case Topology::torus:
      return std::make_unique<DatelineTorusRouting>(topology, config.virtual_channels);
    case Topology::neighbour:
      return std::make_unique<TableRouting>(
          topology, config.virtual_channels,
          std::vector<int>{grid_ports::east, grid_ports::west, grid_ports::north_east, grid_ports::south_west,
                           grid_ports::north, grid_ports::south});
  }
  throw ParameterError("interconnect.topology", "invalid topology value");
}

std::vector<RouteHop> trace_route(const NetworkTopology& topology, const RoutingAlgorithm& routing, int src, int dst) {
  std::vector<RouteHop> hops;
  int node = src;
  int in_port = local_port;
  int in_vc = 0;
  while (true) {
    const RouteChoice choice = routing.route(node, dst, in_port, in_vc);
    if (choice.port == local_port) {
      if (node != dst) throw Error("route to node " + std::to_string(dst) + " ejects at " + std::to_string(node));
      return hops;
    }
    const int link = topology.link_id(node, choice.port);
    if (link < 0) {
      throw Error("route from node " + std::to_string(src) + " to " + std::to_string(dst) + " takes port '" +
                  topology.port(choice.port).name + "' at node " + std::to_string(node) + ", which has no link");
    }
    if (static_cast<int>(hops.size()) >= topology.nodes()) {
      throw Error("route from node " + std::to_string(src) + " to " + std::to_string(dst) + " does not arrive");
    }
    hops.push_back({link, choice.vc_first});
    in_port = topology.links()[static_cast<std::size_t>(link)].dst_port;
    in_vc = choice.vc_first;
    node = topology.neighbour(node, choice.port);
  }
}

}  // namespace imcsim::interconnect
