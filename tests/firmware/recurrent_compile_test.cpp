// The model compiler's recurrent layers: a reverse direction runs its time steps backwards, and a GRU's R_h
// product waits for the reset gate when linear_before_reset = 0. Graphs are built in code; the assertions follow
// the compiled Program's data flow (program order per core, each recv after its matching send). The timed test
// (RecurrentTiming.*) elaborates the chip: one per process.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "chip/accuracy.h"
#include "chip/model_timing.h"
#include "chip/simulation.h"
#include "firmware/model_compiler.h"
#include "workloads/shape_inference.h"

namespace imcsim::firmware {
namespace {

constexpr std::int64_t kSteps = 6;

void set_int(workloads::Node& n, const std::string& key, std::int64_t value) {
  n.attributes[key].i = value;
  n.attributes[key].kind = workloads::Attribute::Kind::integer;
}

void add_tensor(workloads::Graph& g, const std::string& name, std::vector<std::int64_t> shape, bool constant) {
  workloads::Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = constant;
  if (constant) {
    std::size_t n = 1;
    for (const std::int64_t d : t.shape) n *= static_cast<std::size_t>(d);
    t.data.assign(n, 0.01f);
  } else {
    t.batch_axis = 0;
  }
  g.tensors[name] = t;
}

/// A graph of input x [batch, steps, 8] and output y, with an LSTM or GRU node y = op(`input`) (batch first) of
/// weights W and R; `before` goes in front of it.
workloads::Graph recurrent_graph(const std::string& op, std::int64_t steps, std::int64_t hidden,
                                 const std::string& direction, const std::string& input,
                                 std::vector<workloads::Node> before = {}) {
  const std::int64_t gates = op == "GRU" ? 3 : 4, dirs = direction == "bidirectional" ? 2 : 1;
  workloads::Graph g;
  g.name = op;
  g.inputs = {"x"};
  g.outputs = {"y"};
  add_tensor(g, "x", {-1, steps, 8}, false);
  add_tensor(g, "W", {dirs, gates * hidden, 8}, true);
  add_tensor(g, "R", {dirs, gates * hidden, hidden}, true);
  g.nodes = std::move(before);
  workloads::Node n;
  n.name = op;
  n.op = op;
  n.inputs = {input, "W", "R"};
  n.outputs = {"y"};
  set_int(n, "hidden_size", hidden);
  set_int(n, "layout", 1);
  n.attributes["direction"].s = direction;
  n.attributes["direction"].kind = workloads::Attribute::Kind::text;
  g.nodes.push_back(n);
  return g;
}

/// p = x M: a MatMul of 8 x 8 (M) on every time step of x.
workloads::Node projection() {
  workloads::Node mm;
  mm.name = "proj";
  mm.op = "MatMul";
  mm.inputs = {"x", "M"};
  mm.outputs = {"p"};
  return mm;
}

/// x [batch, 6, 8] -> MatMul (8 x 8, one MVM per time step) -> a bidirectional LSTM (hidden 80: 2 column tiles).
workloads::Graph matmul_then_bidirectional_lstm() {
  workloads::Graph g = recurrent_graph("LSTM", kSteps, 80, "bidirectional", "p", {projection()});
  add_tensor(g, "M", {8, 8}, true);
  workloads::infer_graph_shapes(g);
  return g;
}

/// x [batch, 6, 8] -> MatMul (6 MVMs) -> Reshape to [batch, 3, 16] -> an LSTM of 3 steps in `direction`: the
/// producer's steps are not the LSTM's.
workloads::Graph matmul_reshape_lstm(const std::string& direction) {
  workloads::Node reshape;
  reshape.name = "fold";
  reshape.op = "Reshape";
  reshape.inputs = {"p", "target"};
  reshape.outputs = {"q"};
  workloads::Graph g = recurrent_graph("LSTM", kSteps, 16, direction, "q", {projection(), reshape});
  add_tensor(g, "M", {8, 8}, true);
  add_tensor(g, "target", {3}, true);
  g.tensors["target"].data = {0, 3, 16};
  add_tensor(g, "W", {1, 4 * 16, 16}, true);
  workloads::infer_graph_shapes(g);
  return g;
}

/// x [batch, 4, 8] -> a forward GRU of hidden 300, so that R_h (300 x 300) spans 2 x 2 tiles.
workloads::Graph gru_graph(int linear_before_reset) {
  workloads::Graph g = recurrent_graph("GRU", 4, 300, "forward", "x");
  set_int(g.nodes.back(), "linear_before_reset", linear_before_reset);
  workloads::infer_graph_shapes(g);
  return g;
}

CompiledModel compile(const workloads::Graph& g) {
  const chip::ChipConfig config = chip::default_chip_config();
  const ModelMapping m = map_model(chip::layer_shapes(g), chip::chip_geometry(config), Replication::none);
  ModelProgramOptions o = chip::model_program_options(config, 1, false);
  o.vectors_per_mvm = 1;  // one time step per MVM in every stage, so that steps can be told apart
  return compile_model(g, m, o);
}

/// The Program's data flow: per instruction its place in its core's stream, each recv's matching send, and
/// which MVM (chunk) of its layer on its core an instruction precedes.
class Flow {
 public:
  explicit Flow(const Program& p) : m_program(p) {
    std::map<std::tuple<int, int, std::string>, std::size_t> sends;
    for (std::size_t i = 0; i < p.instructions.size(); ++i) {
      const Instruction& ins = p.instructions[i];
      if (ins.op == Op::send) sends[{ins.core, ins.peer, ins.tag}] = i;
    }
    std::map<int, std::size_t> last;
    m_successors.resize(p.instructions.size());
    for (std::size_t i = 0; i < p.instructions.size(); ++i) {
      const Instruction& ins = p.instructions[i];
      const auto before = last.find(ins.core);
      if (before != last.end()) m_successors[before->second].push_back(i);
      last[ins.core] = i;
      if (ins.op == Op::recv) {
        const std::size_t send = sends.at({ins.peer, ins.core, ins.tag});
        m_send_of[i] = send;
        m_successors[send].push_back(i);
      }
    }
  }

  /// Instruction indices of `op` of layer `layer` on `core`, in program order.
  std::vector<std::size_t> of(int core, int layer, Op op) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_program.instructions.size(); ++i) {
      const Instruction& ins = m_program.instructions[i];
      if (ins.core == core && ins.layer == layer && ins.op == op) out.push_back(i);
    }
    return out;
  }
  /// MVMs of the instruction's layer on its core before it.
  int mvms_before(std::size_t index) const {
    const Instruction& at = m_program.instructions[index];
    int n = 0;
    for (std::size_t i = 0; i < index; ++i) {
      const Instruction& ins = m_program.instructions[i];
      if (ins.core == at.core && ins.layer == at.layer && ins.op == Op::mvm) ++n;
    }
    return n;
  }
  std::size_t send_of(std::size_t recv) const { return m_send_of.at(recv); }
  /// Whether instruction `to` can only run after instruction `from` (program order per core, send before recv).
  bool after(std::size_t from, std::size_t to) const {
    std::vector<bool> seen(m_successors.size(), false);
    std::vector<std::size_t> todo{from};
    while (!todo.empty()) {
      const std::size_t i = todo.back();
      todo.pop_back();
      if (i == to) return true;
      for (const std::size_t s : m_successors[i]) {
        if (!seen[s]) {
          seen[s] = true;
          todo.push_back(s);
        }
      }
    }
    return false;
  }

 private:
  const Program& m_program;
  std::vector<std::vector<std::size_t>> m_successors;
  std::map<std::size_t, std::size_t> m_send_of;
};

/// For the first tile of an LSTM stage fed by the MatMul (layer 0, one core): per MVM of the stage, the time step
/// of the input it read (the MatMul's MVM after which that input was sent).
std::vector<int> input_time_steps(const CompiledModel& c, const Flow& flow, int layer) {
  const int producer = c.layers[0].core_ids.front();
  const int core = c.layers[static_cast<std::size_t>(layer)].core_ids.front();
  std::vector<int> times(static_cast<std::size_t>(kSteps), -1);
  for (const std::size_t recv : flow.of(core, layer, Op::recv)) {
    if (c.program.instructions[recv].peer != producer) continue;
    times[static_cast<std::size_t>(flow.mvms_before(recv))] = flow.mvms_before(flow.send_of(recv)) - 1;
  }
  return times;
}

TEST(RecurrentCompile, ReverseDirectionReadsTheLastTimeStepFirst) {
  const CompiledModel c = compile(matmul_then_bidirectional_lstm());
  ASSERT_EQ(c.layers.size(), 3u);  // proj, lstm/direction 0, lstm/direction 1
  ASSERT_EQ(c.layers[0].cores, 1);
  ASSERT_EQ(c.layers[2].col_tiles, 2);
  const Flow flow(c.program);
  EXPECT_EQ(input_time_steps(c, flow, 1), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(input_time_steps(c, flow, 2), (std::vector<int>{5, 4, 3, 2, 1, 0}));
  // The reverse direction's first MVM waits for the producer's last step; the forward one's does not.
  const int producer = c.layers[0].core_ids.front();
  const std::size_t last_producer_mvm = flow.of(producer, 0, Op::mvm).back();
  for (const int core : c.layers[2].core_ids)
    EXPECT_TRUE(flow.after(last_producer_mvm, flow.of(core, 2, Op::mvm).front())) << "core " << core;
  for (const int core : c.layers[1].core_ids)
    EXPECT_FALSE(flow.after(last_producer_mvm, flow.of(core, 1, Op::mvm).front())) << "core " << core;
}

TEST(RecurrentCompile, ReverseDirectionSendsItsStateToTheEarlierTimeStep) {
  const CompiledModel c = compile(matmul_then_bidirectional_lstm());
  const Flow flow(c.program);
  for (const int layer : {1, 2}) {
    const std::vector<int> time = input_time_steps(c, flow, layer);
    const auto& cores = c.layers[static_cast<std::size_t>(layer)].core_ids;
    const std::set<int> own(cores.begin(), cores.end());
    int recurrent = 0;
    for (const int core : cores) {
      for (const std::size_t recv : flow.of(core, layer, Op::recv)) {
        const std::size_t send = flow.send_of(recv);
        if (own.count(c.program.instructions[send].core) == 0) continue;
        ++recurrent;
        // h of the MVM before the send (time step t) feeds the MVM after the recv: t + 1 forwards, t - 1 reversed.
        const int from = time[static_cast<std::size_t>(flow.mvms_before(send) - 1)];
        const int to = time[static_cast<std::size_t>(flow.mvms_before(recv))];
        EXPECT_EQ(to, layer == 1 ? from + 1 : from - 1) << "layer " << layer << " core " << core;
      }
    }
    EXPECT_GT(recurrent, 0) << "layer " << layer;  // two column tiles exchange their parts of h
  }
}

TEST(RecurrentCompile, ReverseDirectionOfAnotherStepCountWaitsForTheWholeSequence) {
  for (const std::string direction : {"forward", "reverse"}) {
    const CompiledModel c = compile(matmul_reshape_lstm(direction));
    ASSERT_EQ(c.layers.size(), 2u);
    ASSERT_EQ(c.layers[1].mvms_per_inference, 3);
    const Flow flow(c.program);
    const std::size_t last_producer_mvm = flow.of(c.layers[0].core_ids.front(), 0, Op::mvm).back();
    const std::size_t first_mvm = flow.of(c.layers[1].core_ids.front(), 1, Op::mvm).front();
    EXPECT_EQ(flow.after(last_producer_mvm, first_mvm), direction == "reverse") << direction;
  }
}

/// Layers of the one-direction GRU: W, R_zr, R_h.
constexpr int kRzr = 1, kRh = 2;

/// Per time step: how many of R_h's tiles run their MVM of that step after an MVM of R_zr for the same step.
std::vector<int> rh_tiles_waiting_for_rzr(const CompiledModel& c) {
  const Flow flow(c.program);
  std::vector<int> waiting;
  for (const int core : c.layers[kRh].core_ids) {
    const auto rh = flow.of(core, kRh, Op::mvm);
    waiting.resize(rh.size(), 0);
    for (std::size_t t = 0; t < rh.size(); ++t) {
      bool waits = false;
      for (const int rzr_core : c.layers[kRzr].core_ids)
        waits = waits || flow.after(flow.of(rzr_core, kRzr, Op::mvm)[t], rh[t]);
      waiting[t] += waits ? 1 : 0;
    }
  }
  return waiting;
}

TEST(RecurrentCompile, GruCandidateProductWaitsForTheResetGate) {
  const CompiledModel c = compile(gru_graph(0));
  ASSERT_EQ(c.layers.size(), 3u);
  ASSERT_EQ(c.layers[kRh].cores, 4);  // 2 x 2 tiles: r_t * h_{t-1} travels from the chain ends to every tile
  EXPECT_EQ(rh_tiles_waiting_for_rzr(c), std::vector<int>(4, 4));
  // On every R_h tile that is not a chain end, the data before each MVM come from R_h's chain ends, which
  // computed the reset gate (a gdu) after adding R_zr's sums of that step.
  const Flow flow(c.program);
  const auto& rh_cores = c.layers[kRh].core_ids;
  const std::set<int> rh(rh_cores.begin(), rh_cores.end());
  int gated = 0;
  for (const int core : rh_cores) {
    for (const std::size_t recv : flow.of(core, kRh, Op::recv)) {
      const std::size_t send = flow.send_of(recv);
      const int end = c.program.instructions[send].core;
      const auto gdus = flow.of(end, kRh, Op::gdu);
      if (rh.count(end) == 0 || gdus.empty()) continue;  // not from a chain end (a partial sum along a chain)
      ++gated;
      const int step = flow.mvms_before(recv);
      ASSERT_GE(gdus.size(), 2u * static_cast<std::size_t>(step + 1));
      EXPECT_TRUE(flow.after(gdus[2 * static_cast<std::size_t>(step)], send));  // the reset gate of this step
      EXPECT_EQ(flow.mvms_before(send), step);                                  // before the chain end's MVM
    }
  }
  EXPECT_GT(gated, 0);
}

TEST(RecurrentCompile, GruLinearBeforeResetKeepsTheProductsInParallel) {
  const CompiledModel c = compile(gru_graph(1));
  ASSERT_EQ(c.layers.size(), 3u);
  EXPECT_EQ(rh_tiles_waiting_for_rzr(c), std::vector<int>(4, 0));
  int gdus = 0;
  for (const Instruction& ins : c.program.instructions) gdus += ins.op == Op::gdu ? 1 : 0;
  EXPECT_EQ(gdus, 2 * 4);  // one pass per step on each of R_h's 2 chain ends: the gates after the product
}

TEST(RecurrentTiming, ReverseDirectionStartsAfterTheProducerFinished) {
  const CompiledModel c = compile(matmul_then_bidirectional_lstm());
  const chip::ModelTiming t = chip::time_model(chip::default_chip_config(), c);
  const auto& records = t.simulation.instructions;
  ASSERT_EQ(records.size(), c.program.instructions.size());
  const Flow flow(c.program);
  const double producer_end_ns = records[flow.of(c.layers[0].core_ids.front(), 0, Op::mvm).back()].end_ns;
  double forward_start_ns = 1e300, reverse_start_ns = 1e300;
  for (const int core : c.layers[1].core_ids)
    forward_start_ns = std::min(forward_start_ns, records[flow.of(core, 1, Op::mvm).front()].start_ns);
  for (const int core : c.layers[2].core_ids)
    reverse_start_ns = std::min(reverse_start_ns, records[flow.of(core, 2, Op::mvm).front()].start_ns);
  EXPECT_LT(forward_start_ns, producer_end_ns);
  EXPECT_GE(reverse_start_ns, producer_end_ns);
}

}  // namespace
}  // namespace imcsim::firmware
