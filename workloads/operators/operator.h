#pragma once
// The operator registry: one entry per ONNX operator the graph IR implements, holding everything about it: the
// attributes it accepts and their checks, shape inference, constant folding, the FP32 execution, its MAC and
// parameter counts, its weight layers, and how the compiler maps it onto the chip. The importer, shape inference,
// constant folding, BatchNormalization folding, the reference executor, weight_layers() and
// firmware/model_compiler.cpp look operators up here; only BatchNormalization's own folding pass names an operator. Adding an operator is one entry in a family file of
// workloads/operators/impl/ (docs/models.md, "Adding an operator").
//
// Contract of an entry (only `type`, `infer`, `execute` and `mapping` are required):
// - `type` is the ONNX op_type; `attributes` every attribute key it accepts: the importer rejects any other.
// - `check_import` rejects attribute values and optional inputs the entry does not implement. It runs at import
//   once the attribute keys passed, before `infer`, and fails through the NodeContext.
// - `infer` returns the outputs' shapes and batch axes in output order (the caller names them and adds them to
//   the graph); fewer tensors than outputs leaves the rest undefined (Dropout's mask). It checks the inputs and
//   the attributes it reads and fails through the NodeContext; it never modifies the graph.
// - `fold` evaluates the node at import: when every input is a constant, or whatever the inputs when
//   `folds_on_shapes` (Shape). It returns the output's data and whether it holds integers, and throws
//   imcsim::Error (the caller adds the file and node).
// - `on_import` runs at import on a node that stays in the graph, after `infer`; it may add constants and
//   rewrite the node's inputs (Reshape writes its folded target as the explicit output shape).
// - `check_execution` rejects what `execute` cannot run (a weight that is not a constant, ...), failing through
//   the NodeContext; the executor calls it once per node before `plan`.
// - `plan` works out once per node what `execute` needs (index maps); it throws imcsim::Error.
// - `execute` computes one chunk: one matrix per output it produces, in output order, batch x features as in
//   workloads/reference_executor.h; weight layers go through the Execution's engine. It is const and thread-safe.
// - `macs`: multiply-accumulates of one inference (batch 1); none: 0. `parameter_inputs`: how many leading inputs
//   hold trained parameters when they are constants.
// - `mapping` says how firmware/model_compiler.cpp maps the node. `crossbars` needs `weight_operands` (inputs
//   1.. that must be constants) and `weight_layers`, which appends the node's matrices in part order, each with
//   its WeightLayer::streaming (workloads/weight_layers.h); every other mapping runs on the digital units of the
//   weight layer whose output the node reads.
// - `channel_layout` says, for a node whose weights (input 1) and bias (input 2) can absorb a per-output-channel
//   scale and shift (a BatchNormalization after it, workloads/batch_norm_folding.h), how its weights hold the
//   channels; nullopt when they cannot (none: never).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hw/types.h"
#include "workloads/graph.h"
#include "workloads/matrix_engine.h"
#include "workloads/weight_layers.h"

namespace imcsim::workloads::operators {

/// How the compiler maps a node onto the chip.
enum class Mapping {
  crossbars,      ///< matrix products held in crossbars: each weight layer is a stage of its own
  digital_pass,   ///< one local-digital-unit pass over each value at the chain ends ("act"), fused into the
                  ///< chain's own digital pass while no other pass came between
  pool,           ///< a pooling pass of the local digital unit ("pool"); outputs per input from the shapes
  combine,        ///< with two activation operands (a residual Add), the other branch's output is sent to the
                  ///< chain ends and accumulated ("acc"); with a constant operand, a digital_pass
  data_movement,  ///< rearranges data inside each sample: no digital-unit pass
};

/// One node under a check or shape inference: its inputs, and errors naming the file, the node and the attribute.
struct NodeContext {
  const Graph& graph;
  const Node& node;
  const std::string& file;
  const std::string& where;

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_attribute(const std::string& key, const std::string& message) const;
  /// Input k's tensor; fails when the node has no input k or omits it (an empty name).
  const Tensor& in(std::size_t k) const;
  bool has_input(std::size_t k) const { return k < node.inputs.size(); }
  /// Input k is given (not omitted) and a constant.
  bool constant(std::size_t k) const;
  /// The integer values of constant input k (shape arithmetic); the batch size (NaN) as batch_symbol, only when
  /// allowed.
  std::vector<std::int64_t> constant_ints(std::size_t k, bool allow_batch = false) const;
  /// Axes from the attribute (older opsets) or from constant input k (newer ones).
  std::vector<std::int64_t> axes(std::size_t k) const;
  /// Fails when `axis` is the batch axis of activation `t`.
  void keep_batch(const Tensor& t, std::int64_t axis, const std::string& key) const;
  static const std::int64_t batch_symbol;
};

/// Constant folding's result: the output's data, and whether it holds integers (shapes, axes, indices).
struct Folded {
  std::vector<float> data;
  bool integer = false;
};

/// What `plan` works out once per node for `execute`.
struct Plan {
  std::vector<std::int64_t> from;                   ///< data movement: output column j's source column
  std::vector<std::vector<std::int64_t>> operands;  ///< broadcasting: per operand, its column for output column j
  std::int64_t group = 0;                           ///< Softmax: consecutive elements normalised together
};

/// The activation `name` among `values`; throws Error when it is not one (a constant where an activation is
/// expected).
const hw::BatchMatrix& activation(const std::map<std::string, hw::BatchMatrix>& values, const std::string& name);

/// One chunk of the batch under execution.
struct Execution {
  const Graph& graph;
  const Node& node;
  const Plan& plan;
  const MatrixEngine& engine;
  std::size_t first_layer;  ///< the node's first weight layer
  Eigen::Index first_row;   ///< row 0 is row first_row of the whole batch (per-sample constants are indexed by it)
  std::uint64_t first_image;
  const std::map<std::string, hw::BatchMatrix>& values;

  /// The activation `name` (workloads::operators::activation).
  const hw::BatchMatrix& value(const std::string& name) const { return activation(values, name); }
  /// The activation of input k.
  const hw::BatchMatrix& input(std::size_t k) const { return value(node.inputs[k]); }
};

/// How a layer's weights hold its output channels.
struct ChannelLayout {
  std::int64_t channels = 0;
  bool contiguous = true;  ///< each channel's weights are one block (Conv, Gemm with transB), else a column
};

struct Operator {
  std::string type;
  std::set<std::string> attributes;
  std::function<void(const NodeContext&)> check_import;
  std::function<std::vector<Tensor>(const NodeContext&)> infer;
  std::function<Folded(const Graph&, const Node&, const Tensor& out)> fold;
  bool folds_on_shapes = false;
  std::function<void(Graph&, Node&)> on_import;
  std::function<void(const NodeContext&)> check_execution;
  std::function<Plan(const Graph&, const Node&)> plan;
  std::function<std::vector<hw::BatchMatrix>(const Execution&)> execute;
  std::function<std::int64_t(const Graph&, const Node&)> macs;
  std::size_t parameter_inputs = 0;
  Mapping mapping = Mapping::digital_pass;
  std::size_t weight_operands = 0;
  std::function<void(const Graph&, std::size_t node, std::vector<WeightLayer>& layers)> weight_layers;
  std::function<std::optional<ChannelLayout>(const Graph&, const Node&)> channel_layout;

  static constexpr std::size_t all_inputs = static_cast<std::size_t>(-1);
};

/// Inputs first..last of the node are all given and constants.
bool constant_inputs(const Graph& graph, const Node& node, std::size_t first, std::size_t last);

/// Every entry, by op_type.
const std::map<std::string, Operator>& registry();

/// The entry of an ONNX op_type, or nullptr when the IR does not implement it.
const Operator* find_operator(const std::string& type);

/// The entry of a node's operator; throws InputError naming `file` and `where` ("unsupported operator '...'").
const Operator& operator_of(const Node& node, const std::string& file, const std::string& where);

}  // namespace imcsim::workloads::operators
