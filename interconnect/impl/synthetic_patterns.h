#pragma once
// The synthetic traffic patterns of traffic_pattern.h.

#include <vector>

#include "interconnect/traffic_pattern.h"

namespace imcsim::interconnect {

/// Index in [0, n) from a uniform draw u in (0, 1]: ceil(u * n) - 1, each index with probability 1 / n.
int pick_index(float u, int n);

class UniformTraffic final : public TrafficPattern {
 public:
  explicit UniformTraffic(const NetworkTopology& topology) : m_nodes(topology.nodes()) {}
  std::string name() const override { return "uniform"; }
  bool sends(int) const override { return true; }
  int destination(int src, float u_select, float u_node) const override;

 private:
  int m_nodes;
};

class TransposeTraffic final : public TrafficPattern {
 public:
  explicit TransposeTraffic(const NetworkTopology& topology) : m_topology(topology) {}
  std::string name() const override { return "transpose"; }
  bool sends(int src) const override;
  int destination(int src, float u_select, float u_node) const override;

 private:
  const NetworkTopology& m_topology;
};

class HotspotTraffic final : public TrafficPattern {
 public:
  HotspotTraffic(const NetworkTopology& topology, double fraction);
  std::string name() const override { return "hotspot"; }
  bool sends(int) const override { return true; }
  int destination(int src, float u_select, float u_node) const override;
  int hotspot() const { return m_hotspot; }

 private:
  UniformTraffic m_uniform;
  int m_hotspot;
  double m_fraction;
};

class NeighbourTraffic final : public TrafficPattern {
 public:
  explicit NeighbourTraffic(const NetworkTopology& topology);
  std::string name() const override { return "neighbour"; }
  bool sends(int src) const override;
  int destination(int src, float u_select, float u_node) const override;

 private:
  std::vector<std::vector<int>> m_neighbours;  ///< per node, in port order
};

}  // namespace imcsim::interconnect
