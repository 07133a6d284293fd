#include "interconnect/traffic.h"

#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/check.h"
#include "base/errors.h"
#include "base/random.h"
#include "interconnect/flit_network.h"
#include "interconnect/traffic_pattern.h"

namespace imcsim::interconnect {

namespace {

/// Cycles of random draws generated at a time (the draws do not depend on it).
constexpr std::int64_t draw_chunk_cycles = 256;

/// Stream k of node n: 0 decides injection, 1 and 2 feed the pattern's destination choice.
constexpr int draw_streams = 3;

}  // namespace

std::string parse_traffic_pattern(const std::string& name) {
  for (const auto& known : traffic_pattern_names()) {
    if (known == name) return name;
  }
  std::string names;
  for (const auto& n : traffic_pattern_names()) names += (names.empty() ? "" : ", ") + n;
  throw ParameterError("noc.traffic", "unknown traffic pattern '" + name + "' (known: " + names + ")");
}

std::vector<double> parse_rates(const std::string& text) {
  std::vector<double> rates;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    double rate = 0;
    try {
      rate = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || item.find_first_not_of(" \t", used) != std::string::npos) {
      throw ParameterError("noc.rates", "'" + item + "' is not a number (expected r1,r2,...)");
    }
    if (!(rate > 0 && rate <= 1)) {
      throw ParameterError("noc.rates", "rate " + item + " is outside (0, 1] packets per cycle per node");
    }
    rates.push_back(rate);
  }
  if (rates.empty() || text.back() == ',') {
    throw ParameterError("noc.rates", "expected a comma-separated list of rates, got '" + text + "'");
  }
  return rates;
}

void validate(const TrafficConfig& traffic, const NetworkConfig& network) {
  validate(network);
  parse_traffic_pattern(traffic.pattern);
  if (traffic.rates.empty()) throw ParameterError("noc.rates", "no injection rate given");
  for (const double rate : traffic.rates) {
    if (!(rate > 0 && rate <= 1)) {
      throw ParameterError("noc.rates", "rate " + std::to_string(rate) + " is outside (0, 1]");
    }
  }
  require_in_range("noc.packet_flits", traffic.packet_flits, 1, network.max_packet_flits);
  require_in_range("noc.warmup_cycles", static_cast<double>(traffic.warmup_cycles), 0, 1e9);
  require_in_range("noc.measure_cycles", static_cast<double>(traffic.measure_cycles), 1, 1e9);
  require_in_range("noc.drain_limit_cycles", static_cast<double>(traffic.drain_limit_cycles), 0, 1e9);
  require_in_range("noc.hotspot_fraction", traffic.hotspot_fraction, 0, 1);
  require_non_negative("noc.link_bit_energy_pj", traffic.link_bit_energy_pj);
  require_non_negative("noc.router_bit_energy_pj", traffic.router_bit_energy_pj);
  const std::int64_t total = traffic.warmup_cycles + traffic.measure_cycles + traffic.drain_limit_cycles;
  if (static_cast<std::uint64_t>(total) + draw_chunk_cycles > RandomStream::capacity) {
    throw ParameterError("noc.measure_cycles", "the run is longer than the random streams");
  }
}

TrafficPoint run_traffic_point(const NetworkConfig& network, const TrafficConfig& traffic, double rate) {
  validate(traffic, network);
  if (!(rate > 0 && rate <= 1)) {
    throw ParameterError("noc.rates", "rate " + std::to_string(rate) + " is outside (0, 1]");
  }
  FlitNetwork net(network);
  const auto pattern = make_traffic_pattern(traffic.pattern, net.topology(), traffic.hotspot_fraction);
  const int nodes = net.topology().nodes();
  std::vector<std::uint8_t> sends(static_cast<std::size_t>(nodes));
  for (int n = 0; n < nodes; ++n) sends[static_cast<std::size_t>(n)] = pattern->sends(n) ? 1 : 0;

  std::vector<RandomStream> streams;
  for (int n = 0; n < nodes; ++n) {
    for (int k = 0; k < draw_streams; ++k) {
      streams.emplace_back(StreamKey{traffic.seed, RandomPurpose::network_traffic, static_cast<std::uint32_t>(n),
                                     static_cast<std::uint32_t>(k)});
    }
  }
  std::vector<float> draws(streams.size() * draw_chunk_cycles);
  const auto draw = [&](int node, int k, std::int64_t cycle) {
    const std::size_t stream = static_cast<std::size_t>(node) * draw_streams + static_cast<std::size_t>(k);
    return draws[stream * draw_chunk_cycles + static_cast<std::size_t>(cycle % draw_chunk_cycles)];
  };

  const std::int64_t window_start = traffic.warmup_cycles;
  const std::int64_t window_end = window_start + traffic.measure_cycles;
  const std::int64_t hard_end = window_end + traffic.drain_limit_cycles;
  const auto rate_f = static_cast<float>(rate);

  TrafficPoint point;
  point.rate = rate;
  std::int64_t ejected_at_start = 0;
  std::int64_t hops_at_start = 0;
  double latency_sum = 0;
  double hops_sum = 0;
  double zero_load_sum = 0;
  std::uint64_t next_id = 0;
  std::vector<DeliveredPacket> arrived;
  std::int64_t cycle = 0;
  for (;; ++cycle) {
    if (cycle == window_start) {
      ejected_at_start = net.flits_ejected();
      hops_at_start = net.flit_hops();
    }
    if (cycle == window_end) {
      point.throughput_flits_per_node_cycle =
          static_cast<double>(net.flits_ejected() - ejected_at_start) /
          (static_cast<double>(nodes) * static_cast<double>(traffic.measure_cycles));
      point.flit_hops = net.flit_hops() - hops_at_start;
    }
    if (cycle >= window_end && (point.delivered_packets == point.injected_packets || cycle >= hard_end)) break;
    if (cycle % draw_chunk_cycles == 0) {
      for (std::size_t s = 0; s < streams.size(); ++s) {
        streams[s].uniform(draws.data() + s * draw_chunk_cycles, draw_chunk_cycles, static_cast<std::uint64_t>(cycle));
      }
    }
    const bool measured = cycle >= window_start && cycle < window_end;
    for (int n = 0; n < nodes; ++n) {
      if (sends[static_cast<std::size_t>(n)] == 0 || draw(n, 0, cycle) > rate_f) continue;
      const int dst = pattern->destination(n, draw(n, 1, cycle), draw(n, 2, cycle));
      net.inject({n, dst, traffic.packet_flits, next_id++, cycle});
      if (measured) ++point.injected_packets;
    }
    net.step();
    net.take_delivered(arrived);
    for (const DeliveredPacket& d : arrived) {
      if (d.packet.created_cycle < window_start || d.packet.created_cycle >= window_end) continue;
      ++point.delivered_packets;
      const std::int64_t latency = d.latency_cycles();
      latency_sum += static_cast<double>(latency);
      point.max_latency_cycles = std::max(point.max_latency_cycles, latency);
      hops_sum += d.hops;
      zero_load_sum += static_cast<double>(zero_load_latency_cycles(network, d.hops, d.packet.flits));
    }
  }
  point.drain_cycles = cycle - window_end;
  if (point.delivered_packets > 0) {
    const auto count = static_cast<double>(point.delivered_packets);
    point.avg_latency_cycles = latency_sum / count;
    point.avg_hops = hops_sum / count;
    point.avg_zero_load_latency_cycles = zero_load_sum / count;
  } else {
    point.avg_latency_cycles = std::numeric_limits<double>::quiet_NaN();
  }
  const double bits = static_cast<double>(point.flit_hops) * network.link_width_bits;
  point.energy_uj = bits * (traffic.link_bit_energy_pj + traffic.router_bit_energy_pj) * 1e-6;
  return point;
}

TrafficResult run_synthetic_traffic(const NetworkConfig& network, const TrafficConfig& traffic) {
  validate(traffic, network);
  TrafficResult result;
  result.topology = topology_name(network.topology);
  result.traffic = traffic.pattern;
  result.packet_flits = traffic.packet_flits;
  for (const double rate : traffic.rates) result.points.push_back(run_traffic_point(network, traffic, rate));
  return result;
}

nlohmann::ordered_json to_json(const TrafficResult& result) {
  nlohmann::ordered_json out;
  out["topology"] = result.topology;
  out["traffic"] = result.traffic;
  out["packet_flits"] = result.packet_flits;
  out["points"] = nlohmann::ordered_json::array();
  for (const TrafficPoint& p : result.points) {
    nlohmann::ordered_json j;
    j["rate"] = p.rate;
    if (p.delivered_packets > 0) {
      j["avg_latency_cycles"] = p.avg_latency_cycles;
      j["max_latency_cycles"] = p.max_latency_cycles;
    } else {
      j["avg_latency_cycles"] = nullptr;
      j["max_latency_cycles"] = nullptr;
    }
    j["throughput_flits_per_node_cycle"] = p.throughput_flits_per_node_cycle;
    j["energy_uj"] = p.energy_uj;
    j["injected_packets"] = p.injected_packets;
    j["delivered_packets"] = p.delivered_packets;
    out["points"].push_back(std::move(j));
  }
  return out;
}

}  // namespace imcsim::interconnect
