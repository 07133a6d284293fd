#pragma once
// Synthetic traffic patterns: where a node sends its packets.
//
// Contract: destination(src, u_select, u_node) is a pure function of its arguments; u_select and u_node are
// independent uniform draws in (0, 1]; the result is a node of the network other than src. It is only called
// for nodes with sends(src) true. A pattern keeps a reference to its topology, which must outlive it.

#include <memory>
#include <string>
#include <vector>

#include "interconnect/topology.h"

namespace imcsim::interconnect {

class TrafficPattern {
 public:
  virtual ~TrafficPattern() = default;
  virtual std::string name() const = 0;
  /// Whether node src generates packets at all.
  virtual bool sends(int src) const = 0;
  virtual int destination(int src, float u_select, float u_node) const = 0;
};

/// Names accepted by make_traffic_pattern: uniform, transpose, hotspot, neighbour.
std::vector<std::string> traffic_pattern_names();

/// uniform: every other node equally likely. transpose: (x, y) -> (y, x); needs a square grid; nodes on the
/// diagonal send nothing. hotspot: a fraction `hotspot_fraction` of the packets to the centre node
/// (grid_x / 2, grid_y / 2), the rest uniform (the centre itself sends uniform traffic). neighbour: a
/// directly linked node, each equally likely.
/// Throws ParameterError("noc.traffic") for an unknown name, a network of one node or a transpose on a
/// non-square grid, and ParameterError("noc.hotspot_fraction") for a fraction outside [0, 1].
std::unique_ptr<TrafficPattern> make_traffic_pattern(const std::string& name, const NetworkTopology& topology,
                                                     double hotspot_fraction);

}  // namespace imcsim::interconnect
