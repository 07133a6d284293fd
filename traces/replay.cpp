#include "traces/replay.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/errors.h"
#include "chip/chip.h"
#include "cores/core_costs.h"
#include "cores/core_timing.h"
#include "firmware/controller.h"
#include "interconnect/link_reservations.h"

namespace imcsim::traces {

namespace {

using firmware::Op;

Op op_of(const TraceEvent& e) { return static_cast<Op>(e.op); }

firmware::Instruction instruction_of(const TraceEvent& e) {
  firmware::Instruction ins;
  ins.op = op_of(e);
  ins.core = e.core;
  ins.rows = static_cast<int>(e.rows);
  ins.cols = static_cast<int>(e.cols);
  ins.vectors = static_cast<int>(e.vectors);
  ins.elements = static_cast<int>(e.elements);
  ins.bytes = static_cast<int>(e.bytes);
  ins.stream = e.streamed();
  ins.layer = e.layer;
  return ins;
}

/// What a command costs on this chip, computed once per distinct command (CoreCosts::cost, the core's own rule).
class CostCache {
 public:
  CostCache(const cores::CoreParams& params, const std::string& source) : m_costs(params), m_source(source) {}
  struct Entry {
    cores::CommandCost cost;
    bool digital = false;
  };
  const Entry& get(const TraceEvent& e, std::size_t index) {
    const Key key{e.op, e.rows, e.cols, e.vectors, e.elements, e.bytes};
    auto it = m_cache.find(key);
    if (it != m_cache.end()) {
      return it->second;
    }
    const cores::CoreCommand command = firmware::core_command_of(instruction_of(e));
    Entry entry;
    try {
      entry.cost = m_costs.cost(command);
    } catch (const ParameterError& error) {
      throw InputError(m_source, 0, 0, "record " + std::to_string(index),
                       "core " + std::to_string(e.core) + " of this chip cannot execute it: " + error.what());
    }
    entry.digital = command.op == cores::CoreOp::digital || command.op == cores::CoreOp::accumulate;
    return m_cache.emplace(key, entry).first->second;
  }

 private:
  struct Key {
    std::uint8_t op;
    std::uint32_t rows, cols, vectors, elements, bytes;
    bool operator==(const Key& o) const {
      return op == o.op && rows == o.rows && cols == o.cols && vectors == o.vectors && elements == o.elements &&
             bytes == o.bytes;
    }
  };
  struct Hash {
    std::size_t operator()(const Key& k) const {
      std::uint64_t h = k.op;
      for (const std::uint32_t v : {k.rows, k.cols, k.vectors, k.elements, k.bytes}) {
        h = h * 0x9e3779b97f4a7c15ull + v;
      }
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };
  cores::CoreCosts m_costs;
  const std::string& m_source;
  std::unordered_map<Key, Entry, Hash> m_cache;
};

/// One core's stream, with what the controller's stream knows (firmware/controller.cpp, StreamState).
struct Stream {
  int core = 0;
  std::vector<std::uint32_t> events;
  std::size_t next = 0;
  double ready = 0;
  double out_head = 0;
  double out_tail = 0;
  double in_tail = -1;
  double busy_until = 0;      ///< the core's reservation (cores/core_timing.h)
  bool transfer_due = false;  ///< the current event's core part is done; its transfer waits for its start time
  double transfer_start = 0;
  double began = 0;
  double next_sync = 0;  ///< the quantum keeper's next sync point (tlm_quantumkeeper: the next quantum boundary)
};

class Engine {
 public:
  Engine(const Trace& trace, const chip::ChipConfig& config, const ReplayOptions& options, const std::string& source)
      : m_trace(trace),
        m_costs(chip::core_params(config), source),
        m_links(config.interconnect),
        m_offchip(config.interconnect.offchip_node),
        m_bit_hop_pj(config.technology.link_bit_energy_pj + config.technology.router_bit_energy_pj),
        m_quantum(config.sim.quantum_ns),
        m_source(source),
        m_records(trace.events.size()),
        m_posted(trace.events.size(), 0),
        m_head(trace.events.size(), 0.0),
        m_arrival(trace.events.size(), 0.0),
        m_waiter(trace.events.size(), -1) {
    m_links.record_bookings(options.link_bookings);
    std::vector<int> index_of(static_cast<std::size_t>(config.cores.count), -1);
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
      const int core = trace.events[i].core;
      if (core < 0) {
        continue;
      }
      int& s = index_of[static_cast<std::size_t>(core)];
      if (s < 0) {
        s = static_cast<int>(m_streams.size());
        m_streams.emplace_back();
        m_streams.back().core = core;
      }
    }
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
      const TraceEvent& e = trace.events[i];
      if (e.core >= 0) {
        m_streams[static_cast<std::size_t>(index_of[static_cast<std::size_t>(e.core)])].events.push_back(
            static_cast<std::uint32_t>(i));
      } else {
        for (Stream& s : m_streams) {
          s.events.push_back(static_cast<std::uint32_t>(i));
        }
      }
    }
  }

  void run() {
    for (std::size_t s = 0; s < m_streams.size(); ++s) {
      m_streams[s].next_sync = boundary_after(0.0);
      push(0.0, s);
    }
    while (!m_queue.empty()) {
      const auto [key, tie, seq, s] = m_queue.top();
      m_queue.pop();
      m_now = key;
      constexpr double horizon_ns = 1e6;  // as the SystemC network's: nothing starts that far behind
      if (m_now - m_released > horizon_ns) {
        m_links.release_before(m_now - horizon_ns);
        m_released = m_now;
      }
      advance(s);
    }
    for (const Stream& s : m_streams) {
      if (s.next < s.events.size()) {
        throw InputError(m_source, 0, 0, "record " + std::to_string(s.events[s.next]),
                         "core " + std::to_string(s.core) + " waits forever (a recv whose send never comes, or a " +
                             "barrier not every stream reaches)");
      }
    }
  }

  chip::SimulationResult result(const chip::ChipConfig& config) {
    chip::SimulationResult r;
    r.latency_ns = m_finish;
    for (const char* c : {"array", "adc", "dac", "digital", "sram", "programming"}) {
      r.energy_breakdown_pj[c] = 0;
    }
    double busy = 0;
    for (const auto& rec : m_records) {
      r.energy_breakdown_pj["array"] += rec.energy.array_pj;
      r.energy_breakdown_pj["adc"] += rec.energy.adc_pj;
      r.energy_breakdown_pj["dac"] += rec.energy.dac_pj;
      r.energy_breakdown_pj["digital"] += rec.energy.digital_pj;
      r.energy_breakdown_pj["sram"] += rec.energy.sram_pj;
      r.energy_breakdown_pj["programming"] += rec.energy.programming_pj;
      busy += rec.busy_ns;
    }
    r.energy_breakdown_pj["network"] = m_bit_hops * m_bit_hop_pj;
    r.energy_breakdown_pj["leakage"] = config.cores.count * config.technology.core_leakage_mw * 1e-3 * m_finish * 1e3;
    for (const auto& [name, pj] : r.energy_breakdown_pj) {
      r.energy_pj += pj;
    }
    r.busy_ns = busy;
    r.cores_active = static_cast<int>(m_streams.size());
    r.mvm_vectors = m_mvm_vectors;
    const auto& links = m_links.topology().links();
    for (const auto& b : m_links.bookings()) {
      const auto& l = links[static_cast<std::size_t>(b.link)];
      r.timeline.push_back(
          {"link " + std::to_string(l.src) + "->" + std::to_string(l.dst), "packet", b.start_ns, b.end_ns, "", -1});
    }
    r.instructions = std::move(m_records);
    return r;
  }

 private:
  /// (time, tie, sequence, stream): at one instant, streams that resume (tie 0) go before transfers, and
  /// transfers go in their recorded order (tie = transfer_order + 1), then first come, first served.
  using Item = std::tuple<double, std::uint64_t, std::uint64_t, std::size_t>;

  void push(double key, std::size_t s, std::uint64_t tie = 0) { m_queue.emplace(key, tie, m_seq++, s); }
  /// Whether an item (key, tie) pushed now would be the next to come out of the queue.
  bool next_anyway(double key, std::uint64_t tie) const {
    if (m_queue.empty()) {
      return true;
    }
    const auto& [top_key, top_tie, top_seq, top_stream] = m_queue.top();
    return key < top_key || (key == top_key && tie < top_tie);
  }

  /// The core command of event `index`, to start no earlier than start; returns its end (Controller::core_command).
  double core_command(Stream& s, std::size_t index, double start) {
    const TraceEvent& e = m_trace.events[index];
    const CostCache::Entry& c = m_costs.get(e, index);
    const bool streamed = c.digital && s.in_tail >= 0;
    const auto span = cores::schedule_command(start, s.busy_until, c.cost.latency_ns, streamed,
                                              streamed ? s.in_tail + c.cost.pipeline_ns : 0.0);
    s.in_tail = -1;
    s.busy_until = span.end;
    firmware::InstructionRecord& rec = m_records[index];
    rec.busy_ns += span.end - span.start;
    rec.energy = c.cost.energy;
    if (op_of(e) == Op::mvm || op_of(e) == Op::mvmt) {
      m_mvm_vectors += e.vectors;
    }
    s.out_head = c.digital ? span.start + c.cost.pipeline_ns : span.end;
    s.out_tail = span.end;
    return span.end;
  }

  interconnect::TransferResult transfer(int src, int dst, double bits, double start, double source_tail = -1) {
    const interconnect::TransferResult r = m_links.transfer(src, dst, bits, start, source_tail);
    m_bit_hops += r.bit_hops;
    return r;
  }

  /// The next quantum boundary after t (tlm_quantumkeeper::compute_local_quantum).
  double boundary_after(double t) const {
    return m_quantum > 0 ? (std::floor(t / m_quantum + 1e-12) + 1) * m_quantum : t;
  }

  /// Ends the event; returns true when the stream's quantum keeper syncs (the stream waits until its time, and
  /// goes on from the queue), as the controller's stream does after every instruction.
  bool finish_event(Stream& s, std::size_t si, std::size_t index, double end) {
    m_records[index].start_ns = s.began;
    m_records[index].end_ns = end;
    ++s.next;
    if (s.ready < s.next_sync) {
      return false;
    }
    s.next_sync = boundary_after(s.ready);
    if (s.ready <= m_now) {
      return false;
    }
    if (next_anyway(s.ready, 0)) {
      m_now = s.ready;  // it would come straight back out of the queue
      return false;
    }
    push(s.ready, si);
    return true;
  }

  /// Runs stream s until it must wait: for a transfer's start time, a send, a barrier, or its end.
  void advance(std::size_t si) {
    Stream& s = m_streams[si];
    while (s.next < s.events.size()) {
      const std::size_t index = s.events[s.next];
      const TraceEvent& e = m_trace.events[index];
      const Op op = op_of(e);
      const double bits = 8.0 * e.bytes;
      if (!s.transfer_due) {
        s.began = op == Op::send && e.streamed() ? s.out_head : s.ready;
      }
      switch (op) {
        case Op::load:
        case Op::store:
        case Op::send: {
          if (!s.transfer_due) {
            if (op == Op::send && e.streamed()) {
              s.transfer_start = s.out_head;
            } else {
              if (op != Op::load) {
                s.ready = core_command(s, index, s.ready);
              }
              s.transfer_start = s.ready;
            }
            s.transfer_due = true;
            // Book transfers in the order of their start times, as the SystemC controller does (one that should
            // have started already goes at once, as there).
            // A transfer that would come next out of the queue anyway is booked at once.
            const std::uint64_t tie = static_cast<std::uint64_t>(e.transfer_order) + 1;
            if (s.transfer_start >= m_now && !next_anyway(s.transfer_start, tie)) {
              push(s.transfer_start, si, tie);
              return;
            }
            m_now = std::max(m_now, s.transfer_start);
          }
          s.transfer_due = false;
          if (op == Op::load) {
            const double tail = transfer(m_offchip, s.core, bits, s.transfer_start).arrival_ns;
            s.ready = core_command(s, index, tail);
            if (finish_event(s, si, index, s.ready)) {
              return;
            }
          } else if (op == Op::store) {
            s.ready = transfer(s.core, m_offchip, bits, s.transfer_start).arrival_ns;
            if (finish_event(s, si, index, s.ready)) {
              return;
            }
          } else {
            const interconnect::TransferResult a = e.streamed() ? transfer(s.core, e.dst, bits, s.out_head, s.out_tail)
                                                                : transfer(s.core, e.dst, bits, s.transfer_start);
            m_posted[index] = 1;
            m_head[index] = a.head_arrival_ns;
            m_arrival[index] = a.arrival_ns;
            if (m_waiter[index] >= 0) {
              push(m_now, static_cast<std::size_t>(m_waiter[index]));
              m_waiter[index] = -1;
            }
            if (finish_event(s, si, index, std::max(s.ready, a.arrival_ns))) {
              return;
            }
          }
          break;
        }
        case Op::recv: {
          if (!m_posted[e.dep_send]) {
            // The controller's stream syncs to its own time first, then waits for the send.
            s.next_sync = boundary_after(s.ready);
            if (s.ready > m_now) {
              push(s.ready, si);
            } else {
              m_waiter[e.dep_send] = static_cast<int>(si);
            }
            return;
          }
          if (e.streamed()) {
            s.ready = std::max(s.ready, m_head[e.dep_send]);
            s.in_tail = m_arrival[e.dep_send];
          } else {
            s.ready = std::max(s.ready, m_arrival[e.dep_send]);
          }
          if (finish_event(s, si, index, s.ready)) {
            return;
          }
          break;
        }
        case Op::barrier: {
          m_barrier_time = std::max(m_barrier_time, s.ready);
          if (++m_barrier_waiting < m_streams.size()) {
            return;
          }
          // Every stream has arrived: all go on at the latest arrival.
          m_barrier_waiting = 0;
          m_records[index].start_ns = m_records[index].end_ns = m_barrier_time;
          for (std::size_t other = 0; other < m_streams.size(); ++other) {
            Stream& o = m_streams[other];
            o.ready = m_barrier_time;
            o.next_sync = boundary_after(m_barrier_time);
            ++o.next;
            if (other != si) {
              push(m_barrier_time, other);
            }
          }
          m_barrier_time = 0;
          if (m_now < s.ready) {
            push(s.ready, si);
            return;
          }
          break;
        }
        default:
          s.ready = core_command(s, index, s.ready);
          if (finish_event(s, si, index, s.ready)) {
            return;
          }
          break;
      }
    }
    m_finish = std::max(m_finish, s.ready);
  }

  const Trace& m_trace;
  CostCache m_costs;
  interconnect::LinkReservations m_links;
  int m_offchip;
  double m_bit_hop_pj;
  double m_quantum;
  const std::string& m_source;
  std::vector<Stream> m_streams;
  std::vector<firmware::InstructionRecord> m_records;
  std::vector<std::uint8_t> m_posted;
  std::vector<double> m_head;
  std::vector<double> m_arrival;
  std::vector<int> m_waiter;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> m_queue;
  std::uint64_t m_seq = 0;
  double m_now = 0;
  double m_released = 0;
  double m_finish = 0;
  double m_bit_hops = 0;
  double m_mvm_vectors = 0;
  std::size_t m_barrier_waiting = 0;
  double m_barrier_time = 0;
};

}  // namespace

ReplayResult replay_trace(const Trace& trace, const chip::ChipConfig& config, const ReplayOptions& options,
                          const std::string& source) {
  if (trace.cores != static_cast<std::uint32_t>(config.cores.count)) {
    throw InputError(source, 0, 0, "cores",
                     "the trace was recorded on " + std::to_string(trace.cores) + " cores; the chip has " +
                         std::to_string(config.cores.count) + " (replay needs the same core count)");
  }
  const int nodes = interconnect::make_topology(config.interconnect)->nodes();
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const TraceEvent& e = trace.events[i];
    if (op_of(e) == Op::send && (e.dst < 0 || e.dst >= nodes)) {
      throw InputError(source, 0, 0, "record " + std::to_string(i),
                       "send to node " + std::to_string(e.dst) + ", which this chip's network does not have");
    }
  }
  ReplayResult result;
  Engine engine(trace, config, options, source);
  const auto start = std::chrono::steady_clock::now();
  engine.run();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.events = trace.events.size();
  result.run = engine.result(config);
  return result;
}

firmware::CompiledModel compiled_model_of(const Trace& trace) {
  firmware::CompiledModel m;
  m.model = trace.model;
  m.program.name = trace.program;
  m.program.layers = trace.layers;
  m.program.instructions.reserve(trace.events.size());
  m.instruction_inference.reserve(trace.events.size());
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const TraceEvent& e = trace.events[i];
    firmware::Instruction ins = instruction_of(e);
    if (ins.op == Op::send) {
      ins.peer = e.dst;
    }
    if (ins.op == Op::recv) {
      ins.peer = trace.events[e.dep_send].core;
      ins.tag = "e" + std::to_string(e.dep_send);
    }
    if (ins.op == Op::send) {
      ins.tag = "e" + std::to_string(i);
    }
    m.program.instructions.push_back(std::move(ins));
    m.instruction_inference.push_back(e.inference);
  }
  for (std::size_t k = 0; k < trace.layers.size(); ++k) {
    firmware::LayerSummary l;
    l.name = trace.layers[k];
    l.cores = k < trace.layer_cores.size() ? static_cast<int>(trace.layer_cores[k]) : 0;
    m.layers.push_back(l);
  }
  m.inferences = static_cast<int>(trace.inferences);
  m.macs_per_inference = static_cast<std::int64_t>(trace.macs_per_inference);
  std::vector<bool> used(trace.cores, false);
  for (const TraceEvent& e : trace.events) {
    if (e.core >= 0) {
      used[static_cast<std::size_t>(e.core)] = true;
    }
    if (op_of(e) == Op::program) {
      m.programs_weights = true;
    }
  }
  m.cores_used = static_cast<int>(std::count(used.begin(), used.end(), true));
  return m;
}

chip::ModelTiming replay_model_timing(const Trace& trace, const chip::ChipConfig& config, const std::string& source) {
  ReplayResult r = replay_trace(trace, config, {}, source);
  return chip::summarise_model_timing(config, compiled_model_of(trace), std::move(r.run));
}

}  // namespace imcsim::traces
