#include "interconnect/traffic_pattern.h"

#include "base/check.h"
#include "base/errors.h"
#include "interconnect/impl/synthetic_patterns.h"

namespace imcsim::interconnect {

std::vector<std::string> traffic_pattern_names() { return {"uniform", "transpose", "hotspot", "neighbour"}; }

std::unique_ptr<TrafficPattern> make_traffic_pattern(const std::string& name, const NetworkTopology& topology,
                                                     double hotspot_fraction) {
  bool known = false;
  for (const auto& n : traffic_pattern_names()) known = known || n == name;
  if (!known) {
    std::string names;
    for (const auto& n : traffic_pattern_names()) names += (names.empty() ? "" : ", ") + n;
    throw ParameterError("noc.traffic", "unknown traffic pattern '" + name + "' (known: " + names + ")");
  }
  if (topology.nodes() < 2) {
    throw ParameterError("noc.traffic", "synthetic traffic needs a network of at least 2 nodes");
  }
  if (name == "uniform") return std::make_unique<UniformTraffic>(topology);
  if (name == "transpose") {
    if (topology.grid_x() != topology.grid_y()) {
      throw ParameterError("noc.traffic", "transpose traffic needs a square grid, not " +
                                              std::to_string(topology.grid_x()) + " x " +
                                              std::to_string(topology.grid_y()));
    }
    return std::make_unique<TransposeTraffic>(topology);
  }
  if (name == "hotspot") {
    require_in_range("noc.hotspot_fraction", hotspot_fraction, 0.0, 1.0);
    return std::make_unique<HotspotTraffic>(topology, hotspot_fraction);
  }
  return std::make_unique<NeighbourTraffic>(topology);
}

}  // namespace imcsim::interconnect
