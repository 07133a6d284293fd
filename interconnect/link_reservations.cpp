#include "interconnect/link_reservations.h"

#include <algorithm>
#include <cmath>

namespace imcsim::interconnect {

LinkReservations::LinkReservations(const NetworkConfig& config)
    : m_config(config),
      m_cycle_ns(1e3 / config.clock_mhz),
      m_topology(make_topology(config)),
      m_routing(make_routing(config, *m_topology)),
      m_busy(m_topology->links().size()),
      m_routes(static_cast<std::size_t>(m_topology->nodes()) * static_cast<std::size_t>(m_topology->nodes())),
      m_routed(m_routes.size(), false),
      m_link_flits(m_topology->links().size(), 0) {}

double LinkReservations::book(int link, double t, double duration) {
  Busy& busy = m_busy[static_cast<std::size_t>(link)];
  auto& v = busy.intervals;
  double start = t;
  if (busy.first == v.size() || t >= v.back().first) {
    // Most bookings: at or after the start of the last interval, so after it.
    if (busy.first < v.size() && v.back().second > start) {
      start = v.back().second;
    }
    v.emplace_back(start, start + duration);
    if (m_record) {
      m_bookings.push_back({link, start, start + duration});
    }
    return start;
  }
  // Intervals are disjoint and sorted; walk from the last one that starts at or before t.
  auto it = std::upper_bound(v.begin() + static_cast<std::ptrdiff_t>(busy.first), v.end(), start,
                             [](double value, const std::pair<double, double>& b) { return value < b.first; });
  if (it != v.begin() + static_cast<std::ptrdiff_t>(busy.first)) {
    const auto prev = std::prev(it);
    if (prev->second > start) {
      start = prev->second;
    }
  }
  while (it != v.end() && it->first < start + duration) {
    start = std::max(start, it->second);
    ++it;
  }
  v.insert(it, {start, start + duration});
  if (m_record) {
    m_bookings.push_back({link, start, start + duration});
  }
  return start;
}

const std::vector<RouteHop>& LinkReservations::route(int src, int dst) {
  const auto k =
      static_cast<std::size_t>(src) * static_cast<std::size_t>(m_topology->nodes()) + static_cast<std::size_t>(dst);
  if (!m_routed[k]) {
    m_routes[k] = trace_route(*m_topology, *m_routing, src, dst);
    m_routed[k] = true;
  }
  return m_routes[k];
}

TransferResult LinkReservations::transfer(int src, int dst, double bits, double start_ns, double source_tail_ns) {
  TransferResult result;
  result.head_arrival_ns = start_ns;
  result.arrival_ns = std::max(start_ns, source_tail_ns);
  if (src == dst || bits <= 0) {
    return result;
  }
  const std::vector<RouteHop>& path = route(src, dst);
  const auto total_flits = static_cast<std::int64_t>(std::ceil(bits / m_config.link_width_bits));
  result.hops = static_cast<int>(path.size());
  result.flits = total_flits;
  result.bit_hops = bits * static_cast<double>(path.size());
  // A streamed source paces the flits: never faster than one per cycle, never faster than produced.
  const double flit_ns = std::max(m_cycle_ns, (source_tail_ns - start_ns) / static_cast<double>(total_flits));
  double ready = start_ns;
  for (std::int64_t sent = 0; sent < total_flits; sent += m_config.max_packet_flits) {
    const std::int64_t flits = std::min<std::int64_t>(m_config.max_packet_flits, total_flits - sent);
    const double duration = static_cast<double>(flits) * flit_ns;
    double head = ready;
    double first_link_start = ready;
    for (std::size_t h = 0; h < path.size(); ++h) {
      head += m_config.router_latency_cycles * m_cycle_ns;
      const double start = book(path[h].link, head, duration);
      if (h == 0) {
        first_link_start = start;
      }
      if (sent == 0 && h + 1 == path.size()) {
        result.head_arrival_ns = start + m_cycle_ns;
      }
      m_link_flits[static_cast<std::size_t>(path[h].link)] += flits;
      head = start + m_cycle_ns;
    }
    result.arrival_ns = std::max(result.arrival_ns, head + duration - m_cycle_ns);
    // The next packet's head follows this one's tail onto the first link without a bubble.
    ready = first_link_start + duration - m_config.router_latency_cycles * m_cycle_ns;
  }
  return result;
}

void LinkReservations::release_before(double t_ns) {
  for (Busy& busy : m_busy) {
    auto& v = busy.intervals;
    while (busy.first < v.size() && v[busy.first].second < t_ns) {
      ++busy.first;
    }
    // Drop the released prefix once it is most of the vector (amortised O(1) per booking).
    if (busy.first > 64 && 2 * busy.first > v.size()) {
      v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(busy.first));
      busy.first = 0;
    }
  }
}

}  // namespace imcsim::interconnect
