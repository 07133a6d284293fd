#include "firmware/training_step.h"

#include <algorithm>
#include <map>

#include "base/check.h"
#include "base/errors.h"
#include "firmware/accumulation_chain.h"
#include "workloads/weight_layers.h"

namespace imcsim::firmware {

const NameTable<TrainingPhase>& training_phase_names() {
  static const NameTable<TrainingPhase> table{
      {TrainingPhase::forward, "forward"}, {TrainingPhase::backward, "backward"}, {TrainingPhase::update, "update"}};
  return table;
}

namespace {

using workloads::Graph;

class Builder {
 public:
  Builder(const Graph& graph, const ModelMapping& mapping, const TrainingStepOptions& options,
          const TrainingActivity& activity)
      : m_mapping(mapping), m_options(options) {
    require_in_range("training_step.batch", m_options.batch, 1, 4096);
    require_in_range("training_step.pulse_length", m_options.pulse_length, 1, 1024);
    for (const LayerPlacement& l : mapping.layers) {
      if (l.replicas != 1) throw ParameterError("mapping", "the training step maps every layer without replication");
    }
    check_activity_shape(activity, mapping);
    check_training_step_supported(graph, mapping);
    for (const LayerPlacement& l : mapping.layers) {
      if (static_cast<double>(m_options.batch) * static_cast<double>(l.shape.mvms_per_inference) > (1 << 24)) {
        throw ParameterError("training_step.batch",
                             "batch x time steps of " + l.shape.name + " exceeds 2^24 sample updates");
      }
    }
    ModelProgramOptions forward = options.forward;
    forward.inferences = options.batch;
    forward.program_weights = false;
    forward.in_flight = 0;
    forward.outputs_kept = true;
    m_forward = compile_model(graph, mapping, forward);
    m_out.model = m_forward.model;
    m_out.program.name = m_forward.program.name + "-training-step";
    m_out.program.layers = m_forward.program.layers;
    m_out.layers = m_forward.layers;
    m_out.batch = options.batch;
    m_out.pulse_length = options.pulse_length;
    m_out.activity = activity;
    m_out.cores_used = mapping.cores_used();
  }

  TrainingStep run() {
    emit_forward();
    for (int b = 0; b < m_options.batch; ++b) {
      for (int k = static_cast<int>(m_mapping.layers.size()) - 1; k >= 0; --k) {
        if (is_lstm(k)) {
          emit_lstm_backward(b, k);
        } else {
          emit_backward(b, k);
        }
      }
    }
    emit_updates();
    m_out.program.validate(m_mapping.chip.cores(), m_out.program.name);
    return m_out;
  }

 private:
  /// Values of a layer's error d held by one core, over [lo, hi) of the layer's outputs.
  struct Piece {
    int core = 0;
    int lo = 0, hi = 0;
  };

  void add(Instruction ins, TrainingPhase phase, int sample) {
    m_out.program.instructions.push_back(std::move(ins));
    sync(phase, sample);
  }
  /// Attributes instructions pushed without add() (an accumulation chain).
  void sync(TrainingPhase phase, int sample) {
    m_out.instruction_phase.resize(m_out.program.instructions.size(), phase);
    m_out.instruction_sample.resize(m_out.program.instructions.size(), sample);
  }

  /// Whether layer k is an LSTM (its backward runs through time).
  bool is_lstm(int k) const { return m_out.layers[static_cast<std::size_t>(k)].op == "LSTM"; }

  /// The forward pass: B inferences, each tile keeping the inputs of its MVMs, an LSTM's chain ends the gates and
  /// cell state of their hidden units (FP16: 2 bytes x 5 values per gate output), in `keep`s of at most the input
  /// buffer.
  void emit_forward() {
    const auto& ins = m_forward.program.instructions;
    const int buffer = std::max(1, static_cast<int>(m_options.forward.input_buffer_bytes));
    for (std::size_t i = 0; i < ins.size(); ++i) {
      const int sample = m_forward.instruction_inference[i];
      add(ins[i], TrainingPhase::forward, sample);
      int bytes = 0;
      if (ins[i].op == Op::mvm) bytes = ins[i].rows * ins[i].vectors;
      if (ins[i].op == Op::gdu && is_lstm(ins[i].layer)) bytes = 2 * 5 * ins[i].elements;
      for (int done = 0; done < bytes; done += buffer) {
        Instruction keep{Op::keep, ins[i].core};
        keep.bytes = std::min(buffer, bytes - done);
        keep.layer = ins[i].layer;
        add(keep, TrainingPhase::forward, sample);
      }
    }
  }

  /// The pieces' values over [lo, hi) reach `core` (send/recv from every other core that holds some), tagged
  /// prefix + "d" + from + "to" + to.
  void deliver(const std::vector<Piece>& pieces, int core, int lo, int hi, const std::string& prefix, int k, int b) {
    for (const Piece& p : pieces) {
      const int bytes = std::min(p.hi, hi) - std::max(p.lo, lo);
      if (bytes <= 0 || p.core == core) continue;
      const std::string tag = prefix + "d" + std::to_string(p.core) + "to" + std::to_string(core);
      Instruction send{Op::send, p.core};
      send.peer = core;
      send.bytes = bytes;
      send.tag = tag;
      send.layer = k;
      add(send, TrainingPhase::backward, b);
      Instruction recv{Op::recv, core};
      recv.peer = p.core;
      recv.tag = tag;
      recv.layer = k;
      add(recv, TrainingPhase::backward, b);
    }
  }

  /// Every tile of layer k receives its column tile's share of the layer's error from `pieces` and keeps it.
  void deliver_and_keep(const LayerPlacement& l, const std::vector<Piece>& pieces, const std::string& prefix, int k,
                        int b) {
    for (const Tile& t : l.tiles) {
      deliver(pieces, t.core, t.col0, t.col0 + t.cols, prefix, k, b);
      Instruction keep{Op::keep, t.core};
      keep.bytes = t.cols;
      keep.layer = k;
      add(keep, TrainingPhase::backward, b);
    }
  }

  /// Per row tile i with rows [lo, hi) of `rows(i)`: the transposed reads of its column tiles (rows converted:
  /// those rows), their partial sums along a chain over the column tiles, and the sums' piece at the chain end, in
  /// the layer's row space less `offset`. Row tiles with no such rows read nothing.
  template <typename Rows>
  std::vector<Piece> emit_transposed_reads(const LayerPlacement& l, const Rows& rows, int offset,
                                           const std::string& prefix, int k, int b) {
    for (int i = 0; i < l.row_tiles; ++i) {
      const auto [lo, hi] = rows(l.tile(0, 0, i));
      if (hi <= lo) continue;
      for (int j = 0; j < l.col_tiles; ++j) {
        const Tile& t = l.tile(0, j, i);
        Instruction mvmt{Op::mvmt, t.core, hi - lo, t.cols};
        mvmt.layer = k;
        add(mvmt, TrainingPhase::backward, b);
      }
    }
    std::vector<Piece> sums;
    for (int i = 0; i < l.row_tiles; ++i) {
      const auto [lo, hi] = rows(l.tile(0, 0, i));
      if (hi <= lo) continue;
      std::vector<int> chain;
      for (int j = 0; j < l.col_tiles; ++j) chain.push_back(l.tile(0, j, i).core);
      const std::string row = prefix + "r" + std::to_string(i) + "h";
      emit_accumulation_chain(
          m_out.program, chain, hi - lo, [&](int link) { return row + std::to_string(link); }, k);
      sync(TrainingPhase::backward, b);
      sums.push_back({chain.back(), lo - offset, hi - offset});
    }
    return sums;
  }

  /// The last layer's chain ends: the loss gradient of their outputs, the pieces of its d.
  std::vector<Piece> emit_loss(int b, int k) {
    const LayerPlacement& l = m_mapping.layers[static_cast<std::size_t>(k)];
    std::vector<Piece> pieces;
    for (int j = 0; j < l.col_tiles; ++j) {
      const Tile& end = l.tile(0, j, l.row_tiles - 1);
      Instruction label{Op::load, end.core};
      label.bytes = 1;
      Instruction softmax{Op::gdu, end.core};
      softmax.elements = end.cols;
      Instruction gradient{Op::act, end.core};
      gradient.elements = end.cols;
      for (Instruction* i : {&label, &softmax, &gradient}) {
        i->layer = k;
        add(*i, TrainingPhase::backward, b);
      }
      pieces.push_back({end.core, end.col0, end.col0 + end.cols});
    }
    return pieces;
  }

  /// Layer k's backward work for sample b: its d reaches its tiles, which keep it and (after the first layer) read
  /// it backwards; the pieces of the layer before's d (an LSTM's: its dh) are left in m_pieces.
  void emit_backward(int b, int k) {
    const LayerPlacement& l = m_mapping.layers[static_cast<std::size_t>(k)];
    const std::vector<Piece> pieces = k + 1 == static_cast<int>(m_mapping.layers.size()) ? emit_loss(b, k) : m_pieces;
    const std::string prefix = "tb" + std::to_string(b) + "k" + std::to_string(k);
    deliver_and_keep(l, pieces, prefix, k, b);
    if (k == 0) return;
    const auto all_rows = [](const Tile& t) { return std::pair<int, int>{t.row0, t.row0 + t.rows}; };
    m_pieces = emit_transposed_reads(l, all_rows, 0, prefix, k, b);
    // The derivative of the activation before the layer, at the chain ends; an LSTM's gates take dh as it is.
    const LayerSummary& before = m_out.layers[static_cast<std::size_t>(k) - 1];
    if (before.digital_ops.empty() || is_lstm(k - 1)) return;
    for (const Piece& p : m_pieces) {
      Instruction product{Op::act, p.core};
      product.elements = p.hi - p.lo;
      product.layer = k;
      add(product, TrainingPhase::backward, b);
    }
  }

  /// The LSTM (layer k, the first) for sample b, back through time from its last step, with dh_(T-1) in m_pieces.
  /// Column tile j's chain end holds the gates of hidden units [col0 / 4, (col0 + cols) / 4) (as the forward's gate
  /// pass: one h per four of its values); per step it receives their dh, computes their four gate errors (`gdu`,
  /// cols values, from the kept gates and the cell-state error it carries), which every tile of the column tile
  /// receives and keeps; then, but for step 0, the tiles' transposed reads of their recurrent rows give dh_(t-1)
  /// (dx_t is not needed, and neither is dh_(-1): the initial state is no parameter).
  void emit_lstm_backward(int b, int k) {
    const LayerPlacement& l = m_mapping.layers[static_cast<std::size_t>(k)];
    const int hidden = l.shape.cols / 4, inputs = l.shape.rows - hidden;
    const auto recurrent_rows = [inputs](const Tile& t) {
      return std::pair<int, int>{std::max(t.row0, inputs), t.row0 + t.rows};
    };
    std::vector<Piece> dh = m_pieces;
    for (auto t = static_cast<int>(l.shape.mvms_per_inference) - 1; t >= 0; --t) {
      const std::string prefix = "tb" + std::to_string(b) + "k" + std::to_string(k) + "t" + std::to_string(t);
      std::vector<Piece> dz;
      for (int j = 0; j < l.col_tiles; ++j) {
        const Tile& end = l.tile(0, j, l.row_tiles - 1);
        const int hi = j + 1 == l.col_tiles ? hidden : (end.col0 + end.cols) / 4;
        deliver(dh, end.core, end.col0 / 4, hi, prefix + "h", k, b);
        Instruction gates{Op::gdu, end.core};
        gates.elements = end.cols;
        gates.layer = k;
        add(gates, TrainingPhase::backward, b);
        dz.push_back({end.core, end.col0, end.col0 + end.cols});
      }
      deliver_and_keep(l, dz, prefix + "z", k, b);
      if (t > 0) dh = emit_transposed_reads(l, recurrent_rows, inputs, prefix, k, b);
    }
  }

  void emit_updates() {
    for (std::size_t k = 0; k < m_mapping.layers.size(); ++k) {
      const LayerPlacement& l = m_mapping.layers[k];
      for (std::size_t t = 0; t < l.tiles.size(); ++t) {
        const Tile& tile = l.tiles[t];
        const cores::UpdateActivity& mean = m_out.activity.per_sample[k][t];
        const int samples = m_options.batch * static_cast<int>(l.shape.mvms_per_inference);
        const double b = samples;
        Instruction update{Op::update, tile.core, tile.rows, tile.cols, samples};
        update.pulse_length = m_options.pulse_length;
        update.activity =
            cores::UpdateActivity{mean.slots * b, mean.row_pulses * b, mean.column_pulses * b, mean.coincidences * b};
        update.layer = static_cast<int>(k);
        add(update, TrainingPhase::update, -1);
      }
    }
  }

  const ModelMapping& m_mapping;
  TrainingStepOptions m_options;
  CompiledModel m_forward;
  TrainingStep m_out;
  std::vector<Piece> m_pieces;  ///< the pieces of the d the next (lower) layer receives
};

}  // namespace

namespace {

/// Why `g` is not a supported model (see the top of training_step.h), naming the first layer that keeps it from
/// being one; empty when it is.
std::string unsupported_layer(const Graph& g, const std::vector<workloads::WeightLayer>& weights) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> producer;  // tensor -> (node, output)
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (std::size_t o = 0; o < g.nodes[i].outputs.size(); ++o) producer[g.nodes[i].outputs[o]] = {i, o};
  }
  std::map<std::size_t, int> layer_of_node;
  for (std::size_t k = 0; k < weights.size(); ++k) layer_of_node[weights[k].node] = static_cast<int>(k);
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const workloads::Node& node = g.nodes[weights[k].node];
    const auto unsupported = [&](const std::string& why) {
      return "layer '" + weights[k].name + "' (" + node.op + ") " + why +
             ": the training step supports chains of Gemm/MatMul layers (an MLP), optionally after one forward LSTM "
             "as the first layer";
    };
    const bool lstm = node.op == "LSTM";
    if (!lstm && node.op != "Gemm" && node.op != "MatMul") return unsupported("is not a fully connected layer");
    if (layer_of_node.at(weights[k].node) != static_cast<int>(k)) return unsupported("is one of several matrices");
    if (lstm && k != 0) return unsupported("is not the first weight layer");
    if (lstm && weights.size() == 1) return unsupported("is the last weight layer (no layer after it for the loss)");
    if (lstm && weights[k].streaming.reversed) return unsupported("runs its time steps backwards");
    if (!lstm && weights[k].mvms_per_inference != 1) return unsupported("makes more than one MVM per sample");
    // Walk its input back through operators of one activation input to a weight layer or the graph input.
    std::string tensor = node.inputs.at(0);
    int source = -1;
    for (auto it = producer.find(tensor); it != producer.end(); it = producer.find(tensor)) {
      const auto [from, output] = it->second;
      if (const auto w = layer_of_node.find(from); w != layer_of_node.end()) {
        source = w->second;
        if (g.nodes[from].op == "LSTM" && output != 1) {
          return unsupported("reads every time step of an LSTM, not its last hidden state (Y_h)");
        }
        break;
      }
      std::vector<std::string> activations;
      for (const auto& in : g.nodes[from].inputs) {
        if (!in.empty() && !g.tensor(in).constant) activations.push_back(in);
      }
      if (activations.size() != 1) return unsupported("reads an operator of several inputs");
      tensor = activations.front();
    }
    if (source != static_cast<int>(k) - 1) return unsupported("does not read the layer before it");
  }
  return {};
}

}  // namespace

bool training_step_supported(const Graph& graph) {
  return unsupported_layer(graph, workloads::weight_layers(graph)).empty();
}

void check_training_step_supported(const Graph& g, const ModelMapping& mapping) {
  const std::vector<workloads::WeightLayer> weights = workloads::weight_layers(g);
  if (weights.size() != mapping.layers.size()) {
    throw ParameterError("mapping", "the mapping's layers are not the graph's weight layers");
  }
  if (const std::string why = unsupported_layer(g, weights); !why.empty()) throw ParameterError("--train-step", why);
}

TrainingStep compile_training_step(const workloads::Graph& graph, const ModelMapping& mapping,
                                   const TrainingStepOptions& options, const TrainingActivity& activity) {
  return Builder(graph, mapping, options, activity).run();
}

}  // namespace imcsim::firmware
