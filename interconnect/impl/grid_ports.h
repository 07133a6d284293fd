#pragma once
// Port numbering shared by the grid topologies and their routing functions.

#include <vector>

#include "interconnect/topology.h"

namespace imcsim::interconnect::grid_ports {

inline constexpr int east = 1;        ///< +x
inline constexpr int west = 2;        ///< -x
inline constexpr int north = 3;       ///< +y
inline constexpr int south = 4;       ///< -y
inline constexpr int north_east = 5;  ///< +x +y (neighbour network only)
inline constexpr int south_west = 6;  ///< -x -y (neighbour network only)

/// east, west, north, south (ports 1-4).
inline std::vector<PortSpec> cardinal() { return {{"east", 1, 0}, {"west", -1, 0}, {"north", 0, 1}, {"south", 0, -1}}; }

/// The cardinal ports plus north_east and south_west (ports 1-6).
inline std::vector<PortSpec> cardinal_and_diagonal() {
  std::vector<PortSpec> ports = cardinal();
  ports.push_back({"north_east", 1, 1});
  ports.push_back({"south_west", -1, -1});
  return ports;
}

}  // namespace imcsim::interconnect::grid_ports
