#include "report/vcd.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>

namespace imcsim::report {

namespace {

/// Short printable VCD identifiers: !, ", #, ... then two characters.
std::string identifier(std::size_t index) {
  std::string id;
  do {
    id.push_back(static_cast<char>('!' + index % 94));
    index /= 94;
  } while (index > 0);
  return id;
}

std::string wire_name(const std::string& track) {
  std::string name = track;
  for (char& c : name) {
    if (c == ' ' || c == '-' || c == '>') c = '_';
  }
  return name;
}

}  // namespace

std::string vcd(const std::vector<chip::TimelineEvent>& events, const std::string& top) {
  // Tracks in order of first appearance; per track, +1 at each start and -1 at each end (overlaps merge).
  std::map<std::string, std::size_t> index;
  std::vector<std::string> tracks;
  std::map<std::int64_t, std::map<std::size_t, int>> changes;
  for (const auto& e : events) {
    auto [it, inserted] = index.emplace(e.track, tracks.size());
    if (inserted) tracks.push_back(e.track);
    const auto start = static_cast<std::int64_t>(std::llround(e.start_ns * 1e3));
    const auto end = static_cast<std::int64_t>(std::llround(e.end_ns * 1e3));
    if (end <= start) continue;
    changes[start][it->second] += 1;
    changes[end][it->second] -= 1;
  }
  std::ostringstream out;
  out << "$date imcsim $end\n$version imcsim timeline $end\n$timescale 1 ps $end\n";
  out << "$scope module " << top << " $end\n";
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    out << "$var wire 1 " << identifier(i) << " " << wire_name(tracks[i]) << " $end\n";
  }
  out << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
  for (std::size_t i = 0; i < tracks.size(); ++i) out << "0" << identifier(i) << "\n";
  out << "$end\n";
  std::vector<int> level(tracks.size(), 0);
  for (const auto& [time, deltas] : changes) {
    std::ostringstream values;
    for (const auto& [track, delta] : deltas) {
      const bool was = level[track] > 0;
      level[track] += delta;
      const bool now = level[track] > 0;
      if (was != now) values << (now ? "1" : "0") << identifier(track) << "\n";
    }
    if (!values.str().empty()) out << "#" << time << "\n" << values.str();
  }
  return out.str();
}

}  // namespace imcsim::report
