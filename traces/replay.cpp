#include "traces/replay.h"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <utility>

#include "base/errors.h"
#include "chip/core_params.h"
#include "cores/core_costs.h"
#include "cores/core_timing.h"
#include "firmware/instruction_command.h"
#include "firmware/stream_rules.h"
#include "interconnect/link_reservations.h"

namespace imcsim::traces {

namespace {

/// Asks the kernel to back `bytes` of fresh memory at `data` with transparent huge pages where it allows them
/// (madvise mode): a million-event record list is then first touched in dozens of page faults, not ~20,000.
void advise_huge_pages(void* data, std::size_t bytes) {
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
  if (end > begin) {
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
}

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

/// A cost class: what one distinct core command costs on this chip (CoreCosts::cost, the core's own rule).
struct CostClass {
  cores::CommandCost cost;
  bool digital = false;  ///< the digital unit's command (a streamed input overlaps it)
};

constexpr std::uint32_t no_cost = 0xffffffffu;  ///< an event without a core command (recv, streamed send, barrier)

/// The cost classes of a trace's commands: one CoreCosts::cost per distinct command, looked up by its fields in a
/// small open-addressing table (a handful of distinct commands in a trace of millions of events).
class CostClasses {
 public:
  CostClasses(const cores::CoreParams& params, const std::string& source)
      : m_costs(params), m_source(source), m_slots(64, no_cost) {}

  /// The class of event e (record `index`); throws InputError when the chip's core cannot execute it.
  std::uint32_t of(const TraceEvent& e, std::size_t index) {
    const Key key{e.op, e.rows, e.cols, e.vectors, e.elements, e.bytes, e.flags};
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t at = key.hash() & mask;; at = (at + 1) & mask) {
      const std::uint32_t c = m_slots[at];
      if (c == no_cost) {
        return add(key, e, index, at);
      }
      if (m_keys[c] == key) {
        return c;
      }
    }
  }
  const std::vector<CostClass>& classes() const { return m_classes; }

 private:
  struct Key {
    std::uint8_t op;
    std::uint32_t rows, cols, vectors, elements, bytes;
    std::uint8_t flags;
    bool operator==(const Key& o) const {
      return op == o.op && rows == o.rows && cols == o.cols && vectors == o.vectors && elements == o.elements &&
             bytes == o.bytes && flags == o.flags;
    }
    std::size_t hash() const {
      std::uint64_t h = op * 2u + flags;
      for (const std::uint32_t v : {rows, cols, vectors, elements, bytes}) {
        h = h * 0x9e3779b97f4a7c15ull + v;
      }
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };

  std::uint32_t add(const Key& key, const TraceEvent& e, std::size_t index, std::size_t at) {
    const cores::CoreCommand command = firmware::core_command_of(instruction_of(e));
    CostClass c;
    try {
      c.cost = m_costs.cost(command);
    } catch (const ParameterError& error) {
      throw InputError(m_source, 0, 0, "record " + std::to_string(index),
                       "core " + std::to_string(e.core) + " of this chip cannot execute it: " + error.what());
    }
    c.digital = firmware::digital_unit_command(command.op);
    const auto id = static_cast<std::uint32_t>(m_classes.size());
    m_classes.push_back(c);
    m_keys.push_back(key);
    m_slots[at] = id;
    if (2 * m_keys.size() > m_slots.size()) {
      std::vector<std::uint32_t> slots(2 * m_slots.size(), no_cost);
      const std::size_t mask = slots.size() - 1;
      for (std::uint32_t k = 0; k < m_keys.size(); ++k) {
        std::size_t j = m_keys[k].hash() & mask;
        while (slots[j] != no_cost) {
          j = (j + 1) & mask;
        }
        slots[j] = k;
      }
      m_slots = std::move(slots);
    }
    return id;
  }

  cores::CoreCosts m_costs;
  const std::string& m_source;
  std::vector<std::uint32_t> m_slots;  ///< class per slot (no_cost: empty); size a power of two, at most half full
  std::vector<Key> m_keys;             ///< per class
  std::vector<CostClass> m_classes;
};

/// One event as its stream reads it, in the stream's order (prepared from the trace before the replay runs).
struct Step {
  std::uint8_t op;  ///< firmware::Op
  bool streamed;
  std::uint32_t event;    ///< its index in the trace
  std::uint32_t cost;     ///< its cost class (no_cost: no core command)
  std::uint32_t bytes;    ///< load, store, send: the bytes it moves
  std::int32_t dst;       ///< send: the destination node
  std::uint32_t mailbox;  ///< send: its own; recv: its send's
};
static_assert(sizeof(Step) == 24, "a step is read per replayed event: keep it small");

/// What a send delivered, for its recv.
struct Mailbox {
  double head = 0;           ///< the first datum's arrival
  double arrival = 0;        ///< the last datum's arrival
  std::int32_t waiter = -1;  ///< the stream waiting for it
  bool posted = false;
};

/// One event's replayed times (its InstructionRecord without the energy, which is its cost class's).
struct Outcome {
  double start_ns;
  double end_ns;
  double busy_ns;
  std::uint32_t cost;
};

/// One core's stream, with what the controller's stream knows (firmware/controller.cpp, StreamState).
struct Stream {
  int core = 0;
  std::vector<Step> steps;
  std::size_t next = 0;
  firmware::StreamState state;     ///< its time and streamed data, as the controller's (firmware/stream_rules.h)
  std::int64_t busy_until_ps = 0;  ///< the core's reservation, in its time (cores/core_timing.h)
  double busy = 0;                 ///< the current event's core command: time it kept the core busy
  bool transfer_due = false;       ///< the current event's core part is done; its transfer waits for its start time
  firmware::SendStart transfer{0, -1};  ///< that transfer's start (and a streamed source's tail)
  double began = 0;
  double next_sync = 0;  ///< the quantum keeper's next sync point (tlm_quantumkeeper: the next quantum boundary)
};

class Engine {
 public:
  /// Prepares the trace for the replay: its events in one step list per core stream (a barrier in every one),
  /// each with its command's cost class, and a mailbox per send. Throws InputError for a send to a node the
  /// chip's network lacks, a recv without a send, or a command the chip's cores cannot execute.
  Engine(const Trace& trace, const chip::ChipConfig& config, const ReplayOptions& options, const std::string& source)
      : m_costs(chip::core_params(config), source),
        m_links(config.interconnect),
        m_offchip(config.interconnect.offchip_node),
        m_bit_hop_pj(config.technology.link_bit_energy_pj + config.technology.router_bit_energy_pj),
        m_quantum(config.sim.quantum_ns),
        m_source(source),
        m_events(trace.events.size()),
        m_outcomes(new Outcome[trace.events.size()]) {
    m_links.record_bookings(options.link_bookings);
    const std::size_t n = trace.events.size();
    const int nodes = m_links.topology().nodes();
    std::vector<int> stream_of(static_cast<std::size_t>(config.cores.count), -1);
    const std::unique_ptr<std::uint32_t[]> mailbox_of(new std::uint32_t[n]);
    struct Pending {  // a recv before its send in program order
      std::uint32_t stream, step, send;
    };
    std::vector<Pending> pending;
    std::vector<Step> barriers;  // so far: a stream that starts later has them first
    std::uint32_t mailboxes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const TraceEvent& e = trace.events[i];
      Step step{e.op, e.streamed(), static_cast<std::uint32_t>(i), no_cost, e.bytes, e.dst, 0};
      const Op op = op_of(e);
      switch (op) {
        case Op::barrier:
          for (Stream& s : m_streams) {
            s.steps.push_back(step);
          }
          barriers.push_back(step);
          continue;
        case Op::recv:
          if (e.dep_send >= n || op_of(trace.events[e.dep_send]) != Op::send) {
            throw InputError(source, 0, 0, "record " + std::to_string(i), "a recv must depend on a send");
          }
          break;
        case Op::send:
          if (e.dst < 0 || e.dst >= nodes) {
            throw InputError(source, 0, 0, "record " + std::to_string(i),
                             "send to node " + std::to_string(e.dst) + ", which this chip's network does not have");
          }
          step.mailbox = mailbox_of[i] = mailboxes++;
          if (!e.streamed()) {
            step.cost = m_costs.of(e, i);
          }
          break;
        default:
          step.cost = m_costs.of(e, i);
          if (op == Op::mvm || op == Op::mvmt) {
            m_mvm_vectors += e.vectors;
          }
          break;
      }
      if (e.core < 0 || e.core >= config.cores.count) {
        throw InputError(source, 0, 0, "record " + std::to_string(i),
                         "core " + std::to_string(e.core) + " is not on this chip");
      }
      int& s = stream_of[static_cast<std::size_t>(e.core)];
      if (s < 0) {
        s = static_cast<int>(m_streams.size());
        m_streams.emplace_back();
        m_streams.back().core = e.core;
        m_streams.back().steps = barriers;
        m_streams.back().steps.reserve(n / std::max<std::size_t>(1, trace.cores) + barriers.size() + 16);
      }
      std::vector<Step>& steps = m_streams[static_cast<std::size_t>(s)].steps;
      if (op == Op::recv) {
        if (e.dep_send < i) {
          step.mailbox = mailbox_of[e.dep_send];
        } else {
          pending.push_back({static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(steps.size()), e.dep_send});
        }
      }
      steps.push_back(step);
    }
    for (const Pending& p : pending) {
      m_streams[p.stream].steps[p.step].mailbox = mailbox_of[p.send];
    }
    m_mailboxes.resize(mailboxes);
  }

  void run() {
    for (std::size_t s = 0; s < m_streams.size(); ++s) {
      m_streams[s].next_sync = boundary_after(0.0);
      push(0.0, s);
    }
    while (!m_queue.empty()) {
      const Item item = m_queue.top();
      m_queue.pop();
      m_now = item.key;
      constexpr double horizon_ns = 1e6;  // as the SystemC network's: nothing starts that far behind
      if (m_now - m_released > horizon_ns) {
        m_links.release_before(m_now - horizon_ns);
        m_released = m_now;
      }
      advance(item.stream);
    }
    for (const Stream& s : m_streams) {
      if (s.next < s.steps.size()) {
        throw InputError(m_source, 0, 0, "record " + std::to_string(s.steps[s.next].event),
                         "core " + std::to_string(s.core) + " waits forever (a recv whose send never comes, or a " +
                             "barrier not every stream reaches)");
      }
    }
  }

  /// The totals of the replayed events, summed in the trace's order (as chip::simulate sums its records).
  void sum() {
    const std::vector<CostClass>& classes = m_costs.classes();
    chip::EnergyBreakdown energy = chip::every_energy_component();
    double busy = 0;
    for (std::size_t i = 0; i < m_events; ++i) {
      const Outcome& o = m_outcomes[i];
      busy += o.busy_ns;
      if (o.cost != no_cost) energy.add(classes[o.cost].cost.energy);
    }
    m_energy = energy;
    m_busy = busy;
  }

  /// The replay as simulate() reports a run: the totals, one InstructionRecord per event, the link bookings.
  chip::SimulationResult result(const chip::ChipConfig& config) {
    chip::SimulationResult r;
    r.latency_ns = m_finish;
    r.energy_breakdown_pj = m_energy;
    r.energy_breakdown_pj[chip::EnergyComponent::network] = m_bit_hops * m_bit_hop_pj;
    r.cores_active = static_cast<int>(m_streams.size());
    r.energy_breakdown_pj[chip::EnergyComponent::static_power] =
        chip::static_energy_pj(config.technology, r.cores_active, m_finish);
    r.energy_pj = r.energy_breakdown_pj.total_pj();
    r.busy_ns = m_busy;
    r.mvm_vectors = m_mvm_vectors;
    const auto& links = m_links.topology().links();
    for (const auto& b : m_links.bookings()) {
      const auto& l = links[static_cast<std::size_t>(b.link)];
      r.timeline.push_back(
          {"link " + std::to_string(l.src) + "->" + std::to_string(l.dst), "packet", b.start_ns, b.end_ns, "", -1});
    }
    const std::vector<CostClass>& classes = m_costs.classes();
    r.instructions.reserve(m_events);
    advise_huge_pages(r.instructions.data(), m_events * sizeof(firmware::InstructionRecord));
    for (std::size_t i = 0; i < m_events; ++i) {
      const Outcome& o = m_outcomes[i];
      r.instructions.push_back(
          {o.start_ns, o.end_ns, o.busy_ns, o.cost != no_cost ? classes[o.cost].cost.energy : cores::CommandEnergy{}});
    }
    return r;
  }

 private:
  /// At one instant, streams that resume (tie 0) go before transfers, and transfers go in the model's order
  /// (tie = firmware::transfer_rank + 1: program order), then first come, first served (seq).
  struct Item {
    double key;
    std::uint64_t tie;
    std::uint64_t seq;
    std::size_t stream;
    bool operator>(const Item& o) const {
      return key > o.key || (key == o.key && (tie > o.tie || (tie == o.tie && seq > o.seq)));
    }
  };

  void push(double key, std::size_t s, std::uint64_t tie = 0) { m_queue.push({key, tie, m_seq++, s}); }
  /// Whether an item (key, tie) pushed now would be the next to come out of the queue.
  bool next_anyway(double key, std::uint64_t tie) const {
    if (m_queue.empty()) {
      return true;
    }
    const Item& top = m_queue.top();
    return key < top.key || (key == top.key && tie < top.tie);
  }

  /// The core command of a step, to start no earlier than start; returns its end (Controller::core_command).
  double core_command(Stream& s, const Step& step, double start) {
    const CostClass& c = m_costs.classes()[step.cost];
    const double tail = firmware::take_stream_tail(s.state, c.digital);
    const auto span = cores::schedule_command_ps(cores::ps_of_ns(start), s.busy_until_ps, c.cost.latency_ns, tail,
                                                 c.cost.pipeline_ns);
    s.busy_until_ps = span.end;
    const double start_ns = cores::ns_of_ps(span.start);
    const double end_ns = cores::ns_of_ps(span.end);
    s.busy = end_ns - start_ns;
    firmware::command_done(s.state, c.digital, start_ns, end_ns, c.cost.pipeline_ns);
    return end_ns;
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
  bool finish_event(Stream& s, std::size_t si, const Step& step, double end) {
    m_outcomes[step.event] = {s.began, end, s.busy, step.cost};
    s.busy = 0;
    ++s.next;
    // The keeper's time: the stream's, but not past firmware::sync_limit_ns (nor before the kernel's).
    const double at = std::max(firmware::sync_limit_ns(s.state), m_now);
    if (at < s.next_sync) {
      return false;
    }
    s.next_sync = boundary_after(at);
    if (at <= m_now) {
      return false;
    }
    if (next_anyway(at, 0)) {
      m_now = at;  // it would come straight back out of the queue
      return false;
    }
    push(at, si);
    return true;
  }

  /// Runs stream s until it must wait: for a transfer's start time, a send, a barrier, or its end.
  void advance(std::size_t si) {
    Stream& s = m_streams[si];
    double& ready = s.state.ready_ns;
    const std::size_t count = s.steps.size();
    while (s.next < count) {
      const Step& step = s.steps[s.next];
      const auto op = static_cast<Op>(step.op);
      const double bits = 8.0 * step.bytes;
      if (!s.transfer_due) {
        s.began = firmware::began_ns(s.state, op, step.streamed);
      }
      switch (op) {
        case Op::load:
        case Op::store:
        case Op::send: {
          if (!s.transfer_due) {
            if (op == Op::store || (op == Op::send && !step.streamed)) {
              ready = core_command(s, step, ready);
            }
            s.transfer = op == Op::send ? firmware::send_start(s.state, step.streamed) : firmware::SendStart{ready, -1};
            s.transfer_due = true;
            // Book transfers in the model's order (firmware/stream_rules.h), as the SystemC controller does: at
            // the instant it is requested, once no stream can run at it, first in program order. A transfer that
            // would come next out of the queue anyway is booked at once.
            const double at = firmware::transfer_request_ns(s.transfer.start_ns, m_now);
            const std::uint64_t tie = firmware::transfer_rank(step.event) + 1;
            if (!next_anyway(at, tie)) {
              push(at, si, tie);
              return;
            }
            m_now = at;
          }
          s.transfer_due = false;
          if (op == Op::load) {
            const double tail = transfer(m_offchip, s.core, bits, s.transfer.start_ns).arrival_ns;
            ready = core_command(s, step, tail);
            if (finish_event(s, si, step, ready)) {
              return;
            }
          } else if (op == Op::store) {
            ready = transfer(s.core, m_offchip, bits, s.transfer.start_ns).arrival_ns;
            if (finish_event(s, si, step, ready)) {
              return;
            }
          } else {
            const interconnect::TransferResult a =
                transfer(s.core, step.dst, bits, s.transfer.start_ns, s.transfer.source_tail_ns);
            Mailbox& m = m_mailboxes[step.mailbox];
            m.posted = true;
            m.head = a.head_arrival_ns;
            m.arrival = a.arrival_ns;
            if (m.waiter >= 0) {
              push(m_now, static_cast<std::size_t>(m.waiter));
              m.waiter = -1;
            }
            if (finish_event(s, si, step, firmware::send_end_ns(s.state, a.arrival_ns))) {
              return;
            }
          }
          break;
        }
        case Op::recv: {
          Mailbox& m = m_mailboxes[step.mailbox];
          if (!m.posted) {
            // The controller's stream syncs (to its limit, firmware::sync_limit_ns) first, then waits for the send.
            const double limit = std::max(firmware::sync_limit_ns(s.state), m_now);
            s.next_sync = boundary_after(limit);
            if (limit > m_now) {
              push(limit, si);
            } else {
              m.waiter = static_cast<std::int32_t>(si);
            }
            return;
          }
          firmware::receive(s.state, step.streamed, m.head, m.arrival);
          if (finish_event(s, si, step, ready)) {
            return;
          }
          break;
        }
        case Op::barrier: {
          m_barrier_time = std::max(m_barrier_time, ready);
          if (++m_barrier_waiting < m_streams.size()) {
            return;
          }
          // Every stream has arrived: all go on at the latest arrival.
          m_barrier_waiting = 0;
          m_outcomes[step.event] = {m_barrier_time, m_barrier_time, 0.0, no_cost};
          for (std::size_t other = 0; other < m_streams.size(); ++other) {
            Stream& o = m_streams[other];
            o.state.ready_ns = m_barrier_time;
            o.next_sync = boundary_after(m_barrier_time);
            ++o.next;
            if (other != si) {
              push(m_barrier_time, other);
            }
          }
          m_barrier_time = 0;
          if (m_now < ready) {
            push(ready, si);
            return;
          }
          break;
        }
        default:
          ready = core_command(s, step, ready);
          if (finish_event(s, si, step, ready)) {
            return;
          }
          break;
      }
    }
    m_finish = std::max(m_finish, ready);
  }

  CostClasses m_costs;
  interconnect::LinkReservations m_links;
  int m_offchip;
  double m_bit_hop_pj;
  double m_quantum;
  const std::string& m_source;
  std::size_t m_events;
  std::unique_ptr<Outcome[]> m_outcomes;  ///< per event; every one is written by the replay
  std::vector<Stream> m_streams;
  std::vector<Mailbox> m_mailboxes;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> m_queue;
  std::uint64_t m_seq = 0;
  double m_now = 0;
  double m_released = 0;
  double m_finish = 0;
  double m_bit_hops = 0;
  double m_mvm_vectors = 0;
  chip::EnergyBreakdown m_energy = chip::every_energy_component();
  double m_busy = 0;
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
  ReplayResult result;
  const auto start = std::chrono::steady_clock::now();
  Engine engine(trace, config, options, source);
  engine.run();
  engine.sum();
  const auto replayed = std::chrono::steady_clock::now();
  result.run = engine.result(config);
  result.wall_s = std::chrono::duration<double>(replayed - start).count();
  result.records_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - replayed).count();
  result.events = trace.events.size();
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

}  // namespace imcsim::traces
