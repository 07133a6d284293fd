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
      for (int k = static_cast<int>(m_mapping.layers.size()) - 1; k >= 0; --k) emit_backward(b, k);
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

  /// The forward pass: B inferences, each tile keeping the inputs of its MVMs.
  void emit_forward() {
    const auto& ins = m_forward.program.instructions;
    for (std::size_t i = 0; i < ins.size(); ++i) {
      const int sample = m_forward.instruction_inference[i];
      add(ins[i], TrainingPhase::forward, sample);
      if (ins[i].op != Op::mvm) continue;
      Instruction keep{Op::keep, ins[i].core};
      keep.bytes = ins[i].rows * ins[i].vectors;
      keep.layer = ins[i].layer;
      add(keep, TrainingPhase::forward, sample);
    }
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
  /// it backwards; the pieces of the layer before's d are left in m_pieces.
  void emit_backward(int b, int k) {
    const LayerPlacement& l = m_mapping.layers[static_cast<std::size_t>(k)];
    const std::vector<Piece> pieces = k + 1 == static_cast<int>(m_mapping.layers.size()) ? emit_loss(b, k) : m_pieces;
    const std::string prefix = "tb" + std::to_string(b) + "k" + std::to_string(k);
    for (const Tile& t : l.tiles) {
      for (const Piece& p : pieces) {
        const int bytes = std::min(p.hi, t.col0 + t.cols) - std::max(p.lo, t.col0);
        if (bytes <= 0 || p.core == t.core) continue;
        const std::string tag = prefix + "d" + std::to_string(p.core) + "to" + std::to_string(t.core);
        Instruction send{Op::send, p.core};
        send.peer = t.core;
        send.bytes = bytes;
        send.tag = tag;
        send.layer = k;
        add(send, TrainingPhase::backward, b);
        Instruction recv{Op::recv, t.core};
        recv.peer = p.core;
        recv.tag = tag;
        recv.layer = k;
        add(recv, TrainingPhase::backward, b);
      }
      Instruction keep{Op::keep, t.core};
      keep.bytes = t.cols;
      keep.layer = k;
      add(keep, TrainingPhase::backward, b);
    }
    if (k == 0) return;
    for (const Tile& t : l.tiles) {
      Instruction mvmt{Op::mvmt, t.core, t.rows, t.cols};
      mvmt.layer = k;
      add(mvmt, TrainingPhase::backward, b);
    }
    // Per row tile: the column tiles' partial sums along a chain, then the activation's derivative at its end.
    const bool derivative = !m_out.layers[static_cast<std::size_t>(k) - 1].digital_ops.empty();
    m_pieces.clear();
    for (int i = 0; i < l.row_tiles; ++i) {
      std::vector<int> chain;
      for (int j = 0; j < l.col_tiles; ++j) chain.push_back(l.tile(0, j, i).core);
      const Tile& first = l.tile(0, 0, i);
      const std::string row = prefix + "r" + std::to_string(i) + "h";
      emit_accumulation_chain(
          m_out.program, chain, first.rows, [&](int link) { return row + std::to_string(link); }, k);
      sync(TrainingPhase::backward, b);
      if (derivative) {
        Instruction product{Op::act, chain.back()};
        product.elements = first.rows;
        product.layer = k;
        add(product, TrainingPhase::backward, b);
      }
      m_pieces.push_back({chain.back(), first.row0, first.row0 + first.rows});
    }
  }

  void emit_updates() {
    for (std::size_t k = 0; k < m_mapping.layers.size(); ++k) {
      const LayerPlacement& l = m_mapping.layers[k];
      for (std::size_t t = 0; t < l.tiles.size(); ++t) {
        const Tile& tile = l.tiles[t];
        const cores::UpdateActivity& mean = m_out.activity.per_sample[k][t];
        const double b = m_options.batch;
        Instruction update{Op::update, tile.core, tile.rows, tile.cols, m_options.batch};
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

void check_training_step_supported(const Graph& g, const ModelMapping& mapping) {
  const std::vector<workloads::WeightLayer> weights = workloads::weight_layers(g);
  if (weights.size() != mapping.layers.size()) {
    throw ParameterError("mapping", "the mapping's layers are not the graph's weight layers");
  }
  std::map<std::string, std::size_t> producer;  // tensor -> node
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (const auto& out : g.nodes[i].outputs) producer[out] = i;
  }
  std::map<std::size_t, int> layer_of_node;
  for (std::size_t k = 0; k < weights.size(); ++k) layer_of_node[weights[k].node] = static_cast<int>(k);
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const workloads::Node& node = g.nodes[weights[k].node];
    const auto unsupported = [&](const std::string& why) {
      throw ParameterError("--train-step", "layer '" + weights[k].name + "' (" + node.op + ") " + why +
                                               ": the training step supports chains of Gemm/MatMul layers (an MLP)");
    };
    if (node.op != "Gemm" && node.op != "MatMul") unsupported("is not a fully connected layer");
    if (weights[k].mvms_per_inference != 1) unsupported("makes more than one MVM per sample");
    if (layer_of_node.at(weights[k].node) != static_cast<int>(k)) unsupported("is one of several matrices");
    // Walk its input back through operators of one activation input to a weight layer or the graph input.
    std::string tensor = node.inputs.at(0);
    int source = -1;
    for (auto it = producer.find(tensor); it != producer.end(); it = producer.find(tensor)) {
      if (const auto w = layer_of_node.find(it->second); w != layer_of_node.end()) {
        source = w->second;
        break;
      }
      std::vector<std::string> activations;
      for (const auto& in : g.nodes[it->second].inputs) {
        if (!in.empty() && !g.tensor(in).constant) activations.push_back(in);
      }
      if (activations.size() != 1) unsupported("reads an operator of several inputs");
      tensor = activations.front();
    }
    if (source != static_cast<int>(k) - 1) unsupported("does not read the layer before it");
  }
}

TrainingStep compile_training_step(const workloads::Graph& graph, const ModelMapping& mapping,
                                   const TrainingStepOptions& options, const TrainingActivity& activity) {
  return Builder(graph, mapping, options, activity).run();
}

}  // namespace imcsim::firmware
