#include "firmware/model_compiler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "base/check.h"
#include "base/errors.h"
#include "firmware/conv_windows.h"
#include "firmware/accumulation_chain.h"
#include "workloads/operators/operator.h"
#include "workloads/operators/window.h"
#include "workloads/shape_inference.h"
#include "workloads/weight_layers.h"

namespace imcsim::firmware {

namespace {

using workloads::Graph;
using workloads::Node;

using workloads::operators::Mapping;
using workloads::operators::Window;

/// How the compiler maps the node: its operator's registry entry says (workloads/operators/operator.h).
Mapping mapping_of(const Graph& g, const Node& n) {
  return workloads::operators::operator_of(n, g.name, "node '" + n.name + "' (" + n.op + ")").mapping;
}

/// A pooling node's sliding window; none for a global pooling (no kernel_shape).
std::optional<Window> pool_window(const Graph& g, const Node& n) {
  if (n.attributes.count("kernel_shape") == 0) return std::nullopt;
  return workloads::operators::pooling_window(g, n, g.name, n.name);
}

/// Elements of one sample of a tensor (the batch axis and unknown dimensions left out).
double sample_elements(const workloads::Tensor& t) {
  double n = 1;
  for (std::size_t k = 0; k < t.shape.size(); ++k) {
    if (static_cast<int>(k) != t.batch_axis && t.shape[k] > 0) n *= static_cast<double>(t.shape[k]);
  }
  return n;
}

/// Which weight node's output every activation tensor carries: the latest weight node upstream (through
/// non-weight nodes; for two activation operands, the later branch). -1: the graph input.
class Provenance {
 public:
  explicit Provenance(const Graph& g) : m_graph(g) {
    for (const auto& in : g.inputs) m_of[in] = -1;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      int owner = -1;
      if (mapping_of(g, n) == Mapping::crossbars) {
        owner = static_cast<int>(i);
      } else {
        for (const auto& in : activations(n)) owner = std::max(owner, of(in));
      }
      m_node_owner.push_back(owner);
      for (const auto& out : n.outputs) m_of[out] = owner;
    }
  }
  int of(const std::string& tensor) const {
    const auto it = m_of.find(tensor);
    return it == m_of.end() ? -1 : it->second;
  }
  /// For a non-weight node: the weight node whose digital units run it (-1: before the first weight layer).
  int owner(std::size_t node) const { return m_node_owner[node]; }
  std::vector<std::string> activations(const Node& n) const {
    std::vector<std::string> out;
    for (const auto& in : n.inputs) {
      if (in.empty()) continue;
      const auto it = m_graph.tensors.find(in);
      if (it != m_graph.tensors.end() && it->second.constant) continue;
      out.push_back(in);
    }
    return out;
  }

 private:
  const Graph& m_graph;
  std::map<std::string, int> m_of;
  std::vector<int> m_node_owner;
};

enum class EdgeKind { input, recurrent, addend };

/// A data dependency between stages; from = -1: the off-chip port (graph input).
struct Edge {
  int from = -1;
  int to = 0;
  EdgeKind kind = EdgeKind::input;
  bool node_space = true;  ///< channel fractions over the producer node's output (else over the stage's own)
  /// Recurrent: the producer's gate pass sends it before the product of the same step (else after the previous).
  bool before_product = false;
};

struct PostOp {
  enum Kind { act, acc, pool, gdu } kind = act;
  double factor = 1;  ///< pool: outputs per input
  int edge = -1;      ///< acc: the addend edge
};

struct Stage {
  std::size_t node = 0;
  std::string op;
  const LayerPlacement* place = nullptr;
  int steps = 1;
  int replicas = 1;
  int vectors = 1;
  int groups = 1;  ///< Conv groups (the stage is part `group` of them)
  int group = 0;
  int ext_rows = 0;          ///< rows fed by the node's input; the rest (recurrent) by the node's own output
  double out_channels = 0;   ///< values per step of its output (after the gates)
  double out_offset = 0;     ///< where those start in the node's output channels
  double node_channels = 0;  ///< the node's output channels (all its stages)
  bool windowed = false;     ///< each step reads a window of its input's steps (Conv)
  bool blocks = false;       ///< its replicas serve blocks of consecutive steps (else steps round robin)
  Window window;             ///< windowed: the Conv's geometry (its steps are the output pixels)
  int rec_source = -1;       ///< stage whose output feeds the recurrent rows
  int merge_into = -1;       ///< GRU W and R_zr: their sums go to R_h's chain ends
  double gdu_per_value = 0;  ///< gdu outputs per chain output (LSTM 1/4, GRU R_h 1)
  bool reversed = false;     ///< step k runs time step steps - 1 - k (an RNN's reverse direction)
  /// Its chain ends run `pre` and feed its recurrent rows before its MVMs (a GRU's R_h, linear_before_reset = 0).
  bool gate_before_product = false;
  std::vector<PostOp> pre;  ///< chain-end passes before the chunk's MVMs (a GRU's reset gate)
  std::vector<PostOp> post;
  double pool_factor = 1;
  bool stores = false;
  std::vector<std::string> digital_ops;
  std::vector<std::optional<Window>> pools;  ///< its pooling passes' sliding windows, in order (none: global)
  /// Windowed: per replica and chunk, the input pixels it is the first of its replica's chunks to read.
  std::vector<std::vector<std::vector<int>>> chunk_pixels;

  /// The time step that step k runs; its own inverse, so also the step that runs time step k.
  int time_step(int k) const { return reversed ? steps - 1 - k : k; }
  /// Steps replica r serves, and its chunks.
  int replica_steps(int r) const { return r < steps ? (steps - r + replicas - 1) / replicas : 0; }
  /// Step k of replica r: a block of consecutive steps per replica (windowed stages), else every replicas-th step.
  int step_at(int r, int k) const {
    return blocks ? r * (steps / replicas) + std::min(r, steps % replicas) + k : r + k * replicas;
  }
  /// The replica serving `step`, and where in its steps it comes.
  int replica_of(int step) const {
    if (!blocks) return step % replicas;
    const int q = steps / replicas, boundary = (steps % replicas) * (q + 1);
    return step < boundary ? step / (q + 1) : steps % replicas + (step - boundary) / q;
  }
  int index_of(int step) const { return blocks ? step - step_at(replica_of(step), 0) : step / replicas; }
  int chunks(int r) const { return (replica_steps(r) + vectors - 1) / vectors; }
  int chunk_vectors(int r, int m) const { return std::min(vectors, replica_steps(r) - m * vectors); }
  /// The share of the input map that chunk m of replica r is the first of its replica's chunks to read: windowed,
  /// the input pixels its windows read first; else its share of the steps.
  double input_share(int r, int m) const {
    if (!windowed) return static_cast<double>(chunk_vectors(r, m)) / steps;
    return static_cast<double>(chunk_pixels[static_cast<std::size_t>(r)][static_cast<std::size_t>(m)].size()) /
           static_cast<double>(window.in_h * window.in_w);
  }
  /// Fraction of the inference's steps done once chunk m of replica r is done.
  double chunk_end(int r, int m) const {
    const int last = std::min((m + 1) * vectors, replica_steps(r)) - 1;
    return static_cast<double>(step_at(r, last) + 1) / steps;
  }
};

struct Range {
  double lo = 0, hi = 0;
};
double overlap(Range a, Range b) { return std::max(0.0, std::min(a.hi, b.hi) - std::max(a.lo, b.lo)); }

/// The producer's column tile j as a fraction of its output channels (node's or its own).
Range producer_range(const Stage& p, int j, bool node_space) {
  const LayerPlacement& l = *p.place;
  const Tile& t = l.tile(0, j, 0);
  const double per_col = p.out_channels / l.shape.cols;
  const double offset = node_space ? p.out_offset : 0;
  const double total = node_space ? p.node_channels : p.out_channels;
  return {(offset + t.col0 * per_col) / total, (offset + (t.col0 + t.cols) * per_col) / total};
}

/// What a consumer tile (or chain end, for addends) reads, as a fraction of the producer's channels.
Range consumer_range(const Stage& s, const Tile& t, EdgeKind kind, bool node_space) {
  if (kind == EdgeKind::input) {
    const double lo = std::min(t.row0, s.ext_rows), hi = std::min(t.row0 + t.rows, s.ext_rows);
    return {(s.group + lo / s.ext_rows) / s.groups, (s.group + hi / s.ext_rows) / s.groups};
  }
  if (kind == EdgeKind::recurrent) {
    const double rec = s.place->shape.rows - s.ext_rows;
    const double lo = std::max(0, t.row0 - s.ext_rows), hi = std::max(0, t.row0 + t.rows - s.ext_rows);
    return {lo / rec, hi / rec};
  }
  const double cols = s.place->shape.cols;
  if (node_space) {
    // A residual operand: the chain end's share of the node's output channels.
    const double per_col = s.out_channels / cols;
    return {(s.out_offset + t.col0 * per_col) / s.node_channels,
            (s.out_offset + (t.col0 + t.cols) * per_col) / s.node_channels};
  }
  return {t.col0 / cols, (t.col0 + t.cols) / cols};
}

/// Data sent after producer chunk (rp, mp) for consumer chunk (r, m) over one edge: `steps` producer steps' worth
/// (one pixel of a windowed consumer's input map is producer steps / pixels of them).
struct Delivery {
  int edge = 0;
  int rp = 0, mp = 0;
  int r = 0, m = 0;
  double steps = 0;
};

int ceil_bytes(double x) { return static_cast<int>(std::ceil(x - 1e-9)); }

class Compiler {
 public:
  Compiler(const Graph& g, const ModelMapping& mapping, const ModelProgramOptions& o)
      : m_graph(g), m_mapping(mapping), m_options(o), m_prov(g) {}

  CompiledModel run();

 private:
  void build_stages();
  void build_edges();
  void plan_deliveries();
  /// Per pixel of windowed stage s's input map, the producer step that completes it (see plan_deliveries).
  std::vector<int> completing_steps(const Stage& p, const Stage& s) const;
  /// Bytes one delivery carries from producer column tile j to consumer tile t (0: nothing it needs).
  int bytes_of(const Delivery& d, int j, const Tile& t) const;
  int chain_end(const Stage& s, int r, int j) const { return s.place->tile(r, j, s.place->row_tiles - 1).core; }
  /// The core that tells a stage's producers it has finished an inference: its last chain end.
  int token_core(const Stage& s) const {
    return chain_end(s, std::min(s.replicas, s.steps) - 1, s.place->col_tiles - 1);
  }
  /// Credits: consumer stage -> producers it returns tokens to (input and addend edges between stages).
  std::map<int, std::set<int>> credit_producers() const {
    std::map<int, std::set<int>> out;
    for (const Edge& e : m_edges) {
      if (e.from >= 0 && e.from != e.to && e.kind != EdgeKind::recurrent) out[e.to].insert(e.from);
    }
    return out;
  }
  void emit_tokens(int inference, int stage, bool receive);
  /// Emits the passes `ops` at the chain end of column tile j for chunk (r, m) of `stage`, with the receives of
  /// the addends they add; returns the values per chunk that the passes leave.
  double emit_chain_end_passes(const std::vector<PostOp>& ops, int stage, int r, int m, int j, int inference);
  /// Emits the sends of `deliveries` from the chain end of column tile j of replica r of `stage`.
  void emit_sends(const std::vector<Delivery>& deliveries, int stage, int r, int j, int inference);
  void emit_inference(int inference);
  void add(Instruction ins, int inference) {
    m_out.program.instructions.push_back(std::move(ins));
    m_out.instruction_inference.push_back(inference);
  }
  std::string delivery_tag(int inference, const Delivery& d) const {
    return "i" + std::to_string(inference) + "e" + std::to_string(d.edge) + "p" + std::to_string(d.rp) + "k" +
           std::to_string(d.mp) + "q" + std::to_string(d.r) + "n" + std::to_string(d.m);
  }

  const Graph& m_graph;
  const ModelMapping& m_mapping;
  const ModelProgramOptions& m_options;
  Provenance m_prov;
  std::vector<Stage> m_stages;
  std::vector<Edge> m_edges;
  std::map<std::size_t, std::vector<int>> m_stages_of_node;
  /// Per stage, replica, chunk: deliveries it sends after the chunk / receives before it; m_pre_sends: sends
  /// after the chain ends' `pre` passes, before the chunk's MVMs.
  std::map<std::tuple<int, int, int>, std::vector<Delivery>> m_sends, m_pre_sends, m_receives;
  CompiledModel m_out;
};

void Compiler::build_stages() {
  const auto layers = workloads::weight_layers(m_graph);
  if (layers.empty()) throw ParameterError("model", "'" + m_graph.name + "' has no weight layers to map onto the chip");
  if (layers.size() != m_mapping.layers.size()) {
    throw ParameterError("mapping", "the mapping has " + std::to_string(m_mapping.layers.size()) +
                                        " layers, the model " + std::to_string(layers.size()) + " weight layers");
  }
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const auto& w = layers[k];
    const LayerPlacement& p = m_mapping.layers[k];
    if (p.shape.rows != w.rows() || p.shape.cols != w.cols() || p.shape.mvms_per_inference != w.mvms_per_inference) {
      throw ParameterError(
          "mapping", "layer " + std::to_string(k) + " (" + w.name + ") does not match the mapping's " + p.shape.name);
    }
    const Node& n = m_graph.nodes[w.node];
    Stage s;
    s.node = w.node;
    s.op = n.op;
    s.place = &p;
    s.steps = static_cast<int>(std::max<std::int64_t>(1, w.mvms_per_inference));
    s.replicas = p.replicas;
    // What the node's entry says about streaming this layer; parts are numbered from the node's first layer.
    const workloads::LayerStreaming& streaming = w.streaming;
    const int first = static_cast<int>(k) - w.part;
    s.ext_rows = streaming.input_rows;
    s.out_channels = streaming.output_channels;
    s.out_offset = streaming.output_offset;
    s.groups = streaming.input_parts;
    s.group = streaming.input_part;
    s.windowed = streaming.windowed;
    s.blocks = s.windowed;
    if (s.windowed) s.window = workloads::operators::convolution_window(m_graph, n, m_graph.name, n.name);
    s.rec_source = streaming.recurrent_source < 0 ? -1 : first + streaming.recurrent_source;
    s.merge_into = streaming.merge_into < 0 ? -1 : first + streaming.merge_into;
    s.gdu_per_value = streaming.gate_outputs_per_value;
    s.reversed = streaming.reversed;
    s.gate_before_product = streaming.gate_before_product;
    m_stages_of_node[w.node].push_back(static_cast<int>(k));
    m_stages.push_back(s);
  }
  for (auto& [node, ids] : m_stages_of_node) {
    double channels = 0;
    for (const int id : ids) {
      if (m_stages[static_cast<std::size_t>(id)].merge_into < 0)
        channels += m_stages[static_cast<std::size_t>(id)].out_channels;
    }
    for (const int id : ids) m_stages[static_cast<std::size_t>(id)].node_channels = channels;
  }
  // Vectors per MVM instruction: what the buffers hold (1 for recurrent layers).
  for (auto& s : m_stages) {
    const Tile& t = s.place->tiles.front();
    int v = m_options.vectors_per_mvm;
    if (v <= 0) {
      v = static_cast<int>(
          std::min(m_options.input_buffer_bytes / t.rows, m_options.output_buffer_bytes / (2.0 * t.cols)));
    }
    if (s.rec_source >= 0) v = 1;
    s.vectors = std::max(1, std::min(v, s.replica_steps(0)));
  }
  for (auto& s : m_stages) {
    if (!s.windowed) continue;
    for (int r = 0; r < s.replicas; ++r) {
      std::vector<std::vector<int>> outputs(static_cast<std::size_t>(s.chunks(r)));
      for (int k = 0; k < s.replica_steps(r); ++k)
        outputs[static_cast<std::size_t>(k / s.vectors)].push_back(s.step_at(r, k));
      s.chunk_pixels.push_back(first_reads(s.window, outputs));
    }
  }
}

void Compiler::build_edges() {
  for (std::size_t k = 0; k < m_stages.size(); ++k) {
    Stage& s = m_stages[k];
    const int to = static_cast<int>(k);
    const Node& n = m_graph.nodes[s.node];
    if (s.ext_rows > 0) {
      const int from_node = m_prov.of(n.inputs[0]);
      if (from_node < 0) {
        m_edges.push_back({-1, to, EdgeKind::input, true});
      } else {
        for (const int p : m_stages_of_node.at(static_cast<std::size_t>(from_node))) {
          if (m_stages[static_cast<std::size_t>(p)].merge_into < 0) m_edges.push_back({p, to, EdgeKind::input, true});
        }
      }
    }
    if (s.rec_source >= 0) {
      m_edges.push_back({s.rec_source, to, EdgeKind::recurrent, false, s.gate_before_product && s.rec_source == to});
    }
    if (s.merge_into >= 0) continue;
    // The sums of the node's other parts are added at its chain ends, before the gates; a gate pass before the
    // product (GRU reset gate) adds them and gates first.
    std::vector<PostOp>& merged = s.gate_before_product ? s.pre : s.post;
    for (const int id : m_stages_of_node.at(s.node)) {
      const Stage& part = m_stages[static_cast<std::size_t>(id)];
      if (part.merge_into == to) {
        m_edges.push_back({id, to, EdgeKind::addend, false});
        merged.push_back({PostOp::acc, 1, static_cast<int>(m_edges.size()) - 1});
      }
    }
    if (s.gate_before_product) s.pre.push_back({PostOp::gdu});
    // The digital operators its chain ends run: the nodes its output passes before the next weight layer.
    if (s.gdu_per_value > 0) {
      s.post.push_back({PostOp::gdu});
      s.digital_ops.push_back(s.op + " gates");
    }
    bool fused = s.post.empty();  // elementwise operators ride in the chain's digital pass until another pass
    for (std::size_t i = s.node + 1; i < m_graph.nodes.size(); ++i) {
      const Node& d = m_graph.nodes[i];
      const Mapping mapping = mapping_of(m_graph, d);
      if (mapping == Mapping::crossbars || m_prov.owner(i) != static_cast<int>(s.node)) continue;
      if (mapping == Mapping::data_movement) continue;
      s.digital_ops.push_back(d.op);
      const auto operands = m_prov.activations(d);
      if (mapping == Mapping::pool) {
        const double factor =
            sample_elements(m_graph.tensor(d.outputs[0])) / sample_elements(m_graph.tensor(operands[0]));
        s.post.push_back({PostOp::pool, factor});
        s.pool_factor *= factor;
        s.pools.push_back(pool_window(m_graph, d));
        fused = false;
      } else if (operands.size() >= 2 && mapping == Mapping::combine) {
        // A residual (or gating) operand from another branch: its producer sends it to the chain ends.
        for (const auto& operand : operands) {
          const int from_node = m_prov.of(operand);
          if (from_node == static_cast<int>(s.node)) continue;
          const int edge = static_cast<int>(m_edges.size());
          if (from_node < 0) {
            m_edges.push_back({-1, to, EdgeKind::addend, true});
          } else {
            for (const int p : m_stages_of_node.at(static_cast<std::size_t>(from_node))) {
              if (m_stages[static_cast<std::size_t>(p)].merge_into < 0)
                m_edges.push_back({p, to, EdgeKind::addend, true});
            }
          }
          for (int e = edge; e < static_cast<int>(m_edges.size()); ++e) s.post.push_back({PostOp::acc, 1, e});
        }
        fused = false;
      } else if (!fused) {
        if (s.post.empty() || s.post.back().kind != PostOp::act) s.post.push_back({PostOp::act});
      }
    }
  }
  // Model outputs: stages whose output no stage reads.
  std::set<int> read;
  for (const auto& e : m_edges) {
    if (e.from >= 0 && e.from != e.to && e.kind != EdgeKind::recurrent) read.insert(e.from);
  }
  for (std::size_t k = 0; k < m_stages.size(); ++k) {
    Stage& s = m_stages[k];
    s.stores = s.merge_into < 0 && read.count(static_cast<int>(k)) == 0;
  }
}

void Compiler::plan_deliveries() {
  for (std::size_t e = 0; e < m_edges.size(); ++e) {
    const Edge& edge = m_edges[e];
    if (edge.from < 0) continue;  // loads from the off-chip port, emitted with the chunk
    const Stage& p = m_stages[static_cast<std::size_t>(edge.from)];
    const Stage& s = m_stages[static_cast<std::size_t>(edge.to)];
    // A recurrent edge feeds the consumer's next step, unless its gate pass sends it before the product.
    const int shift = edge.kind == EdgeKind::recurrent && !edge.before_product ? 1 : 0;
    auto& sends = edge.before_product ? m_pre_sends : m_sends;
    const bool windowed = edge.kind == EdgeKind::input && s.windowed;
    const bool pointwise = edge.kind != EdgeKind::input || (p.steps == s.steps && !s.windowed);
    // Producer steps per (producer replica, consumer replica, consumer chunk), by producer chunk.
    std::map<std::tuple<int, int, int>, std::map<int, double>> groups;
    if (windowed) {
      // Every input pixel a consumer replica's windows read goes to it once, with the first of its chunks that reads
      // it, from the producer chunk that completes the pixel: a chunk waits for its halo, a replica gets its part.
      const std::vector<int> step_of = completing_steps(p, s);
      const double steps_per_pixel = static_cast<double>(p.steps) / static_cast<double>(step_of.size());
      for (int r = 0; r < s.replicas; ++r) {
        for (int m = 0; m < s.chunks(r); ++m) {
          for (const int q : s.chunk_pixels[static_cast<std::size_t>(r)][static_cast<std::size_t>(m)]) {
            const int step = step_of[static_cast<std::size_t>(q)];
            groups[{p.replica_of(step), r, m}][p.index_of(step) / p.vectors] += steps_per_pixel;
          }
        }
      }
    }
    for (int rp = 0; rp < p.replicas && !windowed; ++rp) {
      for (int k = 0; k < p.replica_steps(rp); ++k) {
        const int step = p.step_at(rp, k);
        const int mp = k / p.vectors;
        if (pointwise) {
          // The consumer's step for the same time step (each stage runs its own order), then the shift.
          const int target = s.time_step(p.time_step(step)) + shift;
          if (target >= s.steps) continue;
          groups[{rp, s.replica_of(target), s.index_of(target) / s.vectors}][mp] += 1;
        }
      }
      if (pointwise) continue;
      // A Gemm after a feature map: every consumer replica gets each producer chunk whole, with the first of its
      // chunks that has progressed as far through the inference as the chunk's first step (a reverse direction's
      // first chunk runs the last time step, so it needs them all).
      for (int mp = 0; mp < p.chunks(rp); ++mp) {
        const double done = static_cast<double>(p.step_at(rp, mp * p.vectors) + 1) / p.steps;
        for (int r = 0; r < s.replicas; ++r) {
          for (int m = 0; m < s.chunks(r); ++m) {
            if (s.reversed || s.chunk_end(r, m) >= done - 1e-12 || m + 1 == s.chunks(r)) {
              groups[{rp, r, m}][mp] += p.chunk_vectors(rp, mp);
              break;
            }
          }
        }
      }
    }
    // The largest share of one producer step any (column tile, consumer tile) pair carries: splits sends that
    // would not fit the output buffer.
    double share = 0;
    for (int j = 0; j < p.place->col_tiles; ++j) {
      for (const Tile& t : s.place->tiles) {
        share = std::max(
            share, overlap(producer_range(p, j, edge.node_space), consumer_range(s, t, edge.kind, edge.node_space)));
      }
    }
    const double values_per_step = (edge.node_space ? p.node_channels : p.out_channels) * p.pool_factor * share;
    for (const auto& [key, by_chunk] : groups) {
      const auto [rp, r, m] = key;
      Delivery d{static_cast<int>(e), rp, 0, r, m, 0};
      for (auto it = by_chunk.begin(); it != by_chunk.end(); ++it) {
        const double more = it->second;
        if (d.steps > 0 && (d.steps + more) * values_per_step > m_options.output_buffer_bytes) {
          sends[{edge.from, rp, d.mp}].push_back(d);
          m_receives[{edge.to, r, m}].push_back(d);
          d.steps = 0;
        }
        d.steps += more;
        d.mp = it->first;
      }
      sends[{edge.from, rp, d.mp}].push_back(d);
      m_receives[{edge.to, r, m}].push_back(d);
    }
  }
}

std::vector<int> Compiler::completing_steps(const Stage& p, const Stage& s) const {
  const Window& in = s.window;
  // Exactly: the producer's steps are a Conv's output pixels and its pooling windows take them to s's input map.
  bool exact = p.windowed && p.window.out_h * p.window.out_w == p.steps;
  std::vector<int> step_of;
  if (exact) {
    step_of.resize(static_cast<std::size_t>(p.steps));
    for (int k = 0; k < p.steps; ++k) step_of[static_cast<std::size_t>(k)] = k;
    std::int64_t h = p.window.out_h, w = p.window.out_w;
    for (const auto& pool : p.pools) {
      if (!pool || pool->in_h != h || pool->in_w != w) {
        exact = false;
        break;
      }
      std::vector<int> pooled;
      for (const int last : completing_pixels(*pool)) pooled.push_back(step_of[static_cast<std::size_t>(last)]);
      step_of = std::move(pooled);
      h = pool->out_h;
      w = pool->out_w;
    }
    exact = exact && h == in.in_h && w == in.in_w;
  }
  if (exact) return step_of;
  // Else in proportion: pixel q of P needs the producer's steps up to (q + 1) x steps / P.
  const std::int64_t pixels = in.in_h * in.in_w, steps = p.steps;
  step_of.clear();
  for (std::int64_t q = 0; q < pixels; ++q)
    step_of.push_back(static_cast<int>(((q + 1) * steps + pixels - 1) / pixels - 1));
  return step_of;
}

int Compiler::bytes_of(const Delivery& d, int j, const Tile& t) const {
  const Edge& edge = m_edges[static_cast<std::size_t>(d.edge)];
  const Stage& p = m_stages[static_cast<std::size_t>(edge.from)];
  const Stage& s = m_stages[static_cast<std::size_t>(edge.to)];
  const double share = overlap(producer_range(p, j, edge.node_space), consumer_range(s, t, edge.kind, edge.node_space));
  if (share <= 1e-12) return 0;
  const double values = d.steps * p.pool_factor * share * (edge.node_space ? p.node_channels : p.out_channels);
  // A tile never needs more than its inputs (or, for an addend, its outputs) of the chunk.
  const int v = s.chunk_vectors(d.r, d.m);
  const double rows = edge.kind == EdgeKind::input       ? std::min(t.rows, std::max(0, s.ext_rows - t.row0))
                      : edge.kind == EdgeKind::recurrent ? std::max(0, t.row0 + t.rows - std::max(t.row0, s.ext_rows))
                                                         : t.cols;
  return std::max(1, ceil_bytes(std::min(values, rows * static_cast<double>(v))));
}

void Compiler::emit_tokens(int inference, int stage, bool receive) {
  const int depth = m_options.in_flight;
  if (depth <= 0) return;
  const auto producers = credit_producers();
  const auto tag = [](int finished, int consumer, int producer) {
    return "t" + std::to_string(finished) + "s" + std::to_string(consumer) + "s" + std::to_string(producer);
  };
  const auto cores_of = [&](int k) {
    std::set<int> cores;
    for (const Tile& t : m_stages[static_cast<std::size_t>(k)].place->tiles) cores.insert(t.core);
    return cores;
  };
  if (receive) {
    // Before producer `stage` begins this inference: a token from each consumer for inference - depth.
    if (inference < depth) return;
    for (const auto& [consumer, from] : producers) {
      if (from.count(stage) == 0) continue;
      const int src = token_core(m_stages[static_cast<std::size_t>(consumer)]);
      for (const int core : cores_of(stage)) {
        Instruction recv{Op::recv, core};
        recv.peer = src;
        recv.tag = tag(inference - depth, consumer, stage);
        recv.layer = stage;
        add(recv, inference);
      }
    }
    return;
  }
  // After consumer `stage` has finished this inference: a token to every core of each of its producers.
  if (inference + depth >= m_options.inferences) return;
  const auto it = producers.find(stage);
  if (it == producers.end()) return;
  const int src = token_core(m_stages[static_cast<std::size_t>(stage)]);
  for (const int producer : it->second) {
    for (const int core : cores_of(producer)) {
      Instruction send{Op::send, src};
      send.peer = core;
      send.bytes = 1;
      send.tag = tag(inference, stage, producer);
      send.layer = stage;
      add(send, inference);
    }
  }
}

double Compiler::emit_chain_end_passes(const std::vector<PostOp>& ops, int stage, int r, int m, int j, int inference) {
  const Stage& s = m_stages[static_cast<std::size_t>(stage)];
  const LayerPlacement& l = *s.place;
  const Tile& end_tile = l.tile(r, j, l.row_tiles - 1);
  const int end = end_tile.core;
  const auto received = m_receives.find({stage, r, m});
  double values = static_cast<double>(end_tile.cols) * s.chunk_vectors(r, m);
  for (const PostOp& op : ops) {
    Instruction ins{Op::act, end};
    ins.layer = stage;
    if (op.kind == PostOp::acc) {
      const Edge& edge = m_edges[static_cast<std::size_t>(op.edge)];
      if (edge.from < 0 && !m_options.inputs_preloaded) {
        Instruction load{Op::load, end};
        load.bytes = std::max(1, ceil_bytes(values));
        load.layer = stage;
        add(load, inference);
      } else if (edge.from >= 0 && received != m_receives.end()) {
        const Stage& p = m_stages[static_cast<std::size_t>(edge.from)];
        for (const Delivery& d : received->second) {
          if (d.edge != op.edge) continue;
          for (int jp = 0; jp < p.place->col_tiles; ++jp) {
            const int src = chain_end(p, d.rp, jp);
            if (src == end || bytes_of(d, jp, end_tile) == 0) continue;
            Instruction recv{Op::recv, end};
            recv.peer = src;
            recv.tag = delivery_tag(inference, d);
            recv.layer = stage;
            add(recv, inference);
          }
        }
      }
      ins.op = Op::acc;
      ins.elements = ceil_bytes(values);
    } else if (op.kind == PostOp::gdu) {
      ins.op = Op::gdu;
      ins.elements = std::max(1, ceil_bytes(values * s.gdu_per_value));
      values *= s.gdu_per_value;
    } else if (op.kind == PostOp::pool) {
      ins.op = Op::pool;
      ins.elements = ceil_bytes(values);
      values *= op.factor;
    } else {
      ins.elements = ceil_bytes(values);
    }
    add(ins, inference);
  }
  return values;
}

void Compiler::emit_sends(const std::vector<Delivery>& deliveries, int stage, int r, int j, int inference) {
  const Stage& s = m_stages[static_cast<std::size_t>(stage)];
  const int end = chain_end(s, r, j);
  for (const Delivery& d : deliveries) {
    const Edge& edge = m_edges[static_cast<std::size_t>(d.edge)];
    const Stage& c = m_stages[static_cast<std::size_t>(edge.to)];
    std::vector<const Tile*> targets;
    if (edge.kind == EdgeKind::addend) {
      for (int jc = 0; jc < c.place->col_tiles; ++jc)
        targets.push_back(&c.place->tile(d.r, jc, c.place->row_tiles - 1));
    } else {
      for (int jc = 0; jc < c.place->col_tiles; ++jc) {
        for (int ic = 0; ic < c.place->row_tiles; ++ic) targets.push_back(&c.place->tile(d.r, jc, ic));
      }
    }
    for (const Tile* t : targets) {
      const int bytes = bytes_of(d, j, *t);
      if (t->core == end || bytes == 0) continue;
      Instruction send{Op::send, end};
      send.peer = t->core;
      send.bytes = bytes;
      send.tag = delivery_tag(inference, d);
      send.layer = stage;
      add(send, inference);
    }
  }
}

void Compiler::emit_inference(int inference) {
  const std::string inf = "i" + std::to_string(inference);
  for (std::size_t k = 0; k < m_stages.size(); ++k) {
    const Stage& s = m_stages[k];
    const LayerPlacement& l = *s.place;
    const int layer = static_cast<int>(k);
    const std::string stage = inf + "s" + std::to_string(k);
    emit_tokens(inference, layer, true);
    for (int r = 0; r < s.replicas; ++r) {
      for (int m = 0; m < s.chunks(r); ++m) {
        const int v = s.chunk_vectors(r, m);
        const auto received = m_receives.find({layer, r, m});
        // The chain ends' passes before the MVMs, and what they send to the tiles.
        if (!s.pre.empty()) {
          const auto pre_sends = m_pre_sends.find({layer, r, m});
          for (int j = 0; j < l.col_tiles; ++j) {
            emit_chain_end_passes(s.pre, layer, r, m, j, inference);
            if (pre_sends != m_pre_sends.end()) emit_sends(pre_sends->second, layer, r, j, inference);
          }
        }
        // Inputs and MVMs of every tile.
        for (int j = 0; j < l.col_tiles; ++j) {
          for (int i = 0; i < l.row_tiles; ++i) {
            const Tile& t = l.tile(r, j, i);
            if (received != m_receives.end()) {
              for (const Delivery& d : received->second) {
                const Edge& edge = m_edges[static_cast<std::size_t>(d.edge)];
                if (edge.kind == EdgeKind::addend) continue;
                const Stage& p = m_stages[static_cast<std::size_t>(edge.from)];
                for (int jp = 0; jp < p.place->col_tiles; ++jp) {
                  const int src = chain_end(p, d.rp, jp);
                  if (src == t.core || bytes_of(d, jp, t) == 0) continue;
                  Instruction recv{Op::recv, t.core};
                  recv.peer = src;
                  recv.tag = delivery_tag(inference, d);
                  recv.layer = layer;
                  add(recv, inference);
                }
              }
            }
            for (const Edge& edge : m_edges) {
              if (m_options.inputs_preloaded) break;
              if (edge.to != layer || edge.from >= 0 || edge.kind != EdgeKind::input) continue;
              const Range rows = consumer_range(s, t, EdgeKind::input, true);
              const double input = sample_elements(m_graph.tensor(m_graph.nodes[s.node].inputs[0]));
              const int bytes = ceil_bytes(input * (rows.hi - rows.lo) * s.input_share(r, m));
              if (bytes <= 0) continue;
              Instruction load{Op::load, t.core};
              load.bytes = bytes;
              load.layer = layer;
              add(load, inference);
            }
            Instruction mvm{Op::mvm, t.core, t.rows, t.cols, v};
            mvm.layer = layer;
            add(mvm, inference);
          }
        }
        // Accumulation chains, then the digital operators and the sends at each chain end.
        for (int j = 0; j < l.col_tiles; ++j) {
          std::vector<int> chain;
          for (int i = 0; i < l.row_tiles; ++i) chain.push_back(l.tile(r, j, i).core);
          const std::string prefix =
              stage + "p" + std::to_string(r) + "k" + std::to_string(m) + "c" + std::to_string(j);
          emit_accumulation_chain(
              m_out.program, chain, l.tile(r, j, 0).cols * v,
              [&](int link) { return prefix + "r" + std::to_string(link); }, layer);
          m_out.instruction_inference.resize(m_out.program.instructions.size(), inference);
          const double values = emit_chain_end_passes(s.post, layer, r, m, j, inference);
          const auto sends = m_sends.find({layer, r, m});
          if (sends != m_sends.end()) emit_sends(sends->second, layer, r, j, inference);
          if (s.stores && !m_options.outputs_kept) {
            Instruction store{Op::store, chain.back()};
            store.bytes = std::max(1, ceil_bytes(values));
            store.layer = layer;
            add(store, inference);
          }
        }
      }
    }
    emit_tokens(inference, layer, false);
  }
}

CompiledModel Compiler::run() {
  require_in_range("compiler.inferences", m_options.inferences, 1, 1 << 16);
  require_in_range("compiler.in_flight", m_options.in_flight, 0, 1 << 16);
  require_positive("compiler.input_buffer_bytes", m_options.input_buffer_bytes);
  require_positive("compiler.output_buffer_bytes", m_options.output_buffer_bytes);
  build_stages();
  build_edges();
  plan_deliveries();
  m_out.model = m_graph.name;
  m_out.program.name = m_graph.name.empty() ? "model" : m_graph.name;
  m_out.inferences = m_options.inferences;
  m_out.programs_weights = m_options.program_weights;
  m_out.cores_used = m_mapping.cores_used();
  for (std::size_t i = 0; i < m_graph.nodes.size(); ++i)
    m_out.macs_per_inference += workloads::node_macs(m_graph, m_graph.nodes[i]);
  for (std::size_t k = 0; k < m_stages.size(); ++k) {
    const Stage& s = m_stages[k];
    const LayerPlacement& l = *s.place;
    std::string name = l.shape.name;
    std::replace(name.begin(), name.end(), '#', '_');
    m_out.program.layers.push_back(name);
    LayerSummary sum;
    sum.name = name;
    sum.op = s.op;
    sum.rows = l.shape.rows;
    sum.cols = l.shape.cols;
    sum.mvms_per_inference = l.shape.mvms_per_inference;
    sum.row_tiles = l.row_tiles;
    sum.col_tiles = l.col_tiles;
    sum.replicas = l.replicas;
    sum.cores = static_cast<int>(l.tiles.size());
    sum.cell_utilisation = l.cell_utilisation(m_mapping.chip);
    sum.vectors_per_mvm = s.vectors;
    sum.macs_per_inference = static_cast<std::int64_t>(l.shape.rows) * l.shape.cols * l.shape.mvms_per_inference;
    sum.digital_ops = s.digital_ops;
    for (const Tile& t : l.tiles) sum.core_ids.push_back(t.core);
    m_out.layers.push_back(sum);
  }
  if (m_options.program_weights) {
    for (std::size_t k = 0; k < m_stages.size(); ++k) {
      for (const Tile& t : m_stages[k].place->tiles) {
        Instruction program{Op::program, t.core, t.rows, t.cols};
        program.layer = static_cast<int>(k);
        add(program, -1);
      }
    }
    add(Instruction{Op::barrier}, -1);
  }
  for (int i = 0; i < m_options.inferences; ++i) emit_inference(i);
  m_out.program.validate(m_mapping.chip.cores(), m_out.program.name);
  return m_out;
}

}  // namespace

CompiledModel compile_model(const workloads::Graph& graph, const ModelMapping& mapping,
                            const ModelProgramOptions& options) {
  return Compiler(graph, mapping, options).run();
}

}  // namespace imcsim::firmware
