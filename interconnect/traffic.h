#pragma once
// Synthetic traffic runs on the flit-level network (the engine of `imcsim noc`): for each injection rate,
// the latency, accepted throughput and energy of the configured network under one traffic pattern.
//
// One run per rate, on a fresh network:
// - every cycle, every sending node creates a packet with probability `rate` (Bernoulli injection; rate is
//   in packets per cycle per node) and queues it at its source (unbounded queue);
// - warm-up: warmup_cycles cycles whose packets are not measured;
// - measurement window: the next measure_cycles cycles. Only packets created in the window are measured;
//   throughput and energy count what the network does during the window;
// - drain: injection goes on (so measured packets see the same load to the end) until every measured
//   packet has arrived, or drain_limit_cycles cycles after the window. Measured packets still on their way
//   then are reported (injected_packets - delivered_packets), never dropped silently.
// The random draws of node n at cycle c are values c of streams keyed (seed, network_traffic, n, k), so a
// run is deterministic, and every rate sees the same draws (smooth curves).

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "hw/technology.h"
#include "interconnect/network_config.h"

namespace imcsim::interconnect {

struct TrafficConfig {
  std::string pattern = "uniform";  ///< uniform | transpose | hotspot | neighbour (traffic_pattern.h)
  std::vector<double> rates;        ///< packets per cycle per node, each in (0, 1]
  int packet_flits = 8;             ///< 1 .. the network's max_packet_flits
  std::int64_t warmup_cycles = 1000;
  std::int64_t measure_cycles = 10000;
  std::int64_t drain_limit_cycles = 20000;
  std::uint64_t seed = 1;
  double hotspot_fraction = 0.2;  ///< hotspot: share of packets sent to the centre node
  /// Energy of one bit over one link and through one router; defaults from hw::hermes_technology(), pass
  /// the configured technology table's values.
  double link_bit_energy_pj = hw::hermes_technology().link_bit_energy_pj;
  double router_bit_energy_pj = hw::hermes_technology().router_bit_energy_pj;
};

/// Checks a pattern name; returns it, or throws ParameterError("noc.traffic") naming the known patterns.
std::string parse_traffic_pattern(const std::string& name);
/// Parses "r1,r2,..." (at least one rate, each in (0, 1]); throws ParameterError("noc.rates").
std::vector<double> parse_rates(const std::string& text);

/// Validates `network` and the traffic settings against it. Throws ParameterError naming "noc.<field>"
/// (noc.traffic, noc.rates, noc.packet_flits, noc.warmup_cycles, noc.measure_cycles,
/// noc.drain_limit_cycles, noc.hotspot_fraction, noc.link_bit_energy_pj, noc.router_bit_energy_pj) or
/// "interconnect.<field>".
void validate(const TrafficConfig& traffic, const NetworkConfig& network);

struct TrafficPoint {
  double rate = 0;                             ///< offered load, packets per cycle per sending node
  double avg_latency_cycles = 0;               ///< over delivered measured packets; NaN when none
  std::int64_t max_latency_cycles = 0;         ///< 0 when none
  double throughput_flits_per_node_cycle = 0;  ///< flits ejected in the window / (nodes x measure_cycles)
  double energy_uj = 0;                        ///< link + router energy of the flit hops in the window
  std::int64_t injected_packets = 0;           ///< packets created in the window
  std::int64_t delivered_packets = 0;          ///< of those, delivered before the drain limit
  std::int64_t flit_hops = 0;                  ///< link traversals of flits in the window
  double avg_hops = 0;                         ///< of the delivered measured packets
  double avg_zero_load_latency_cycles = 0;     ///< zero_load_latency_cycles() averaged over them
  std::int64_t drain_cycles = 0;               ///< cycles run after the window
};

struct TrafficResult {
  std::string topology;
  std::string traffic;
  int packet_flits = 0;
  std::vector<TrafficPoint> points;  ///< in the order of TrafficConfig::rates
};

/// One rate. Validates first.
TrafficPoint run_traffic_point(const NetworkConfig& network, const TrafficConfig& traffic, double rate);
/// Every rate of traffic.rates, each on a fresh network. Validates first. The flit-level model is used
/// whatever network.mode says.
TrafficResult run_synthetic_traffic(const NetworkConfig& network, const TrafficConfig& traffic);

/// {"topology", "traffic", "packet_flits", "points": [{"rate", "avg_latency_cycles", "max_latency_cycles",
/// "throughput_flits_per_node_cycle", "energy_uj", "injected_packets", "delivered_packets"}, ...]}; latencies
/// are null for a point with no delivered packet. (This header only declares nlohmann::ordered_json; include
/// <nlohmann/json.hpp> to use the result.)
nlohmann::ordered_json to_json(const TrafficResult& result);

}  // namespace imcsim::interconnect
