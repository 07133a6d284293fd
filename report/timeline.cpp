#include "report/timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace imcsim::report {

namespace {

/// Where a track goes: processes in (kind, number, name) order (cores by number, then the network, then anything
/// else), threads in (rank, a, b, name) order within their process.
struct TrackKey {
  int kind = 0;
  long number = 0;
  std::string process;
  int rank = 0;
  long a = 0;
  long b = 0;
  std::string thread;
  bool operator<(const TrackKey& o) const {
    return std::tie(kind, number, process, rank, a, b, thread) <
           std::tie(o.kind, o.number, o.process, o.rank, o.a, o.b, o.thread);
  }
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// "3->4" -> (3, 4); (0, 0) when it is not of that form.
std::pair<long, long> endpoints(const std::string& text) {
  const auto arrow = text.find("->");
  if (arrow == std::string::npos) return {0, 0};
  try {
    return {std::stol(text.substr(0, arrow)), std::stol(text.substr(arrow + 2))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

int unit_rank(const std::string& unit) {
  static const char* const order[] = {"array", "digital unit", "global digital unit", "ports"};
  for (int i = 0; i < 4; ++i) {
    if (unit == order[i]) return i;
  }
  return 4;
}

TrackKey key_of(const chip::TimelineEvent& e) {
  TrackKey k;
  if (starts_with(e.track, "core")) {
    try {
      k.kind = 0;
      k.number = std::stol(e.track.substr(4));
      k.process = "core " + std::to_string(k.number);
      k.thread = e.unit.empty() ? "commands" : e.unit;
      k.rank = unit_rank(k.thread);
      return k;
    } catch (const std::exception&) {
    }
  }
  if (starts_with(e.track, "link ") || e.track == "network") {
    k.kind = 1;
    k.process = "network";
    k.thread = e.track;
    std::tie(k.a, k.b) = endpoints(e.track.substr(std::min<std::size_t>(5, e.track.size())));
    return k;
  }
  k.kind = 2;
  k.process = e.track;
  k.thread = e.unit.empty() ? e.track : e.unit;
  return k;
}

std::int64_t picoseconds(double ns) { return std::llround(ns * 1e3); }

}  // namespace

nlohmann::ordered_json chrome_trace(const std::vector<chip::TimelineEvent>& events, const firmware::Program* program,
                                    const std::vector<int>& instruction_inference) {
  std::map<TrackKey, std::vector<const chip::TimelineEvent*>> tracks;
  const bool links = std::any_of(events.begin(), events.end(),
                                 [](const chip::TimelineEvent& e) { return starts_with(e.track, "link "); });
  std::vector<const chip::TimelineEvent*> transfers;
  for (const auto& e : events) {
    if (e.track == "network") {
      if (!links) transfers.push_back(&e);  // with links, the links show the transfers' packets
      continue;
    }
    tracks[key_of(e)].push_back(&e);
  }
  // Transfers overlap one another: as few non-overlapping tracks as hold them (first fit by start).
  std::stable_sort(transfers.begin(), transfers.end(), [](const chip::TimelineEvent* x, const chip::TimelineEvent* y) {
    return x->start_ns < y->start_ns;
  });
  std::vector<std::int64_t> lane_end;
  for (const auto* e : transfers) {
    std::size_t lane = 0;
    while (lane < lane_end.size() && lane_end[lane] > picoseconds(e->start_ns)) ++lane;
    if (lane == lane_end.size()) lane_end.push_back(0);
    lane_end[lane] = picoseconds(e->end_ns);
    TrackKey k;
    k.kind = 1;
    k.process = "network";
    k.rank = 1;
    k.a = static_cast<long>(lane) + 1;
    k.thread = "transfers " + std::to_string(lane + 1);
    tracks[k].push_back(e);
  }

  const auto instruction = [&](int index) -> const firmware::Instruction* {
    if (program == nullptr || index < 0 || static_cast<std::size_t>(index) >= program->instructions.size()) {
      return nullptr;
    }
    return &program->instructions[static_cast<std::size_t>(index)];
  };
  const auto inference_of = [&](int index) {
    return index >= 0 && static_cast<std::size_t>(index) < instruction_inference.size()
               ? instruction_inference[static_cast<std::size_t>(index)]
               : -2;  // unknown
  };

  nlohmann::ordered_json trace = nlohmann::ordered_json::array();
  std::map<std::string, int> pids;
  int next_tid = 1;
  for (auto& [key, list] : tracks) {
    auto [it, new_process] = pids.emplace(key.process, static_cast<int>(pids.size()) + 1);
    const int pid = it->second;
    const int tid = next_tid++;
    if (new_process) {
      trace.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", key.process}}}});
      trace.push_back({{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid}, {"args", {{"sort_index", pid}}}});
    }
    trace.push_back(
        {{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", key.thread}}}});
    trace.push_back(
        {{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", tid}}}});
    std::stable_sort(list.begin(), list.end(), [](const chip::TimelineEvent* x, const chip::TimelineEvent* y) {
      return x->start_ns < y->start_ns;
    });
    // A transfer's packets follow one another on a link without a gap: one slice for the run of them.
    struct Span {
      const chip::TimelineEvent* e;
      std::int64_t start;
      std::int64_t end;
    };
    std::vector<Span> spans;
    for (const auto* e : list) {
      const std::int64_t start = picoseconds(e->start_ns);
      const std::int64_t end = std::max(start, picoseconds(e->end_ns));
      if (!spans.empty() && e->instruction >= 0 && spans.back().e->instruction == e->instruction &&
          spans.back().e->name == e->name && start <= spans.back().end) {
        spans.back().end = std::max(spans.back().end, end);
      } else {
        spans.push_back({e, start, end});
      }
    }
    for (const auto& [e, start, end] : spans) {
      std::string name = e->name;
      nlohmann::ordered_json args = nlohmann::ordered_json::object();
      if (const firmware::Instruction* ins = instruction(e->instruction)) {
        const int inference = inference_of(e->instruction);
        const bool layer = ins->layer >= 0 && static_cast<std::size_t>(ins->layer) < program->layers.size();
        name = layer ? program->layers[static_cast<std::size_t>(ins->layer)] : firmware::op_name(ins->op);
        if (layer && inference == -1) name += " programming";
        args["op"] = firmware::op_name(ins->op);
        if (layer) args["layer"] = program->layers[static_cast<std::size_t>(ins->layer)];
        if (inference >= 0) args["inference"] = inference;
        if (!starts_with(e->track, "core")) args["core"] = ins->core;
        switch (ins->op) {
          case firmware::Op::mvm:
          case firmware::Op::mvmt:
          case firmware::Op::update:
            args["vectors"] = ins->vectors;
            break;
          case firmware::Op::act:
          case firmware::Op::pool:
          case firmware::Op::acc:
          case firmware::Op::gdu:
            args["elements"] = ins->elements;
            break;
          case firmware::Op::load:
          case firmware::Op::store:
          case firmware::Op::send:
          case firmware::Op::keep:
            args["bytes"] = ins->bytes;
            break;
          default:
            break;
        }
      }
      if (e->track == "network") args["transfer"] = e->name;
      nlohmann::ordered_json slice = {{"name", name},
                                      {"cat", e->unit.empty() ? std::string("network") : e->unit},
                                      {"ph", "X"},
                                      {"pid", pid},
                                      {"tid", tid},
                                      {"ts", static_cast<double>(start) / 1e6},
                                      {"dur", static_cast<double>(end - start) / 1e6}};
      if (!args.empty()) slice["args"] = std::move(args);
      trace.push_back(std::move(slice));
    }
  }
  return {{"traceEvents", trace}, {"displayTimeUnit", "ns"}};
}

std::string chrome_trace_text(const nlohmann::ordered_json& trace) {
  std::string text = "{\"traceEvents\": [";
  const auto& events = trace.at("traceEvents");
  for (std::size_t i = 0; i < events.size(); ++i) {
    text += i == 0 ? "\n" : ",\n";
    text += events[i].dump();
  }
  text += "\n]";
  for (const auto& [key, value] : trace.items()) {
    if (key != "traceEvents") text += ",\n" + nlohmann::ordered_json(key).dump() + ": " + value.dump();
  }
  return text + "\n}\n";
}

}  // namespace imcsim::report
