#pragma once
// The FP32 reference: a forward pass of the graph IR on Eigen, batched and multi-threaded. It is the digital
// baseline every analog result is compared against. Each node runs as its operator's entry says
// (workloads/operators/operator.h).
//
// Activations are kept as batch x features matrices: one sample per row, holding the tensor's axes other than the
// batch axis in C order (wherever the batch axis sits, e.g. an LSTM's Y [seq, dirs, batch, hidden]).
// Contract: the batch is cut into fixed chunks of `chunk_rows` samples whatever the thread count, and each
// chunk is computed the same way, so outputs are bit-identical for any number of threads.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hw/types.h"
#include "workloads/dataset.h"
#include "workloads/graph.h"
#include "workloads/matrix_engine.h"
#include "workloads/operators/operator.h"

namespace imcsim::workloads {

class ReferenceExecutor {
 public:
  /// Checks that every node can be executed; throws InputError naming the node otherwise. The weight layers'
  /// products go through `engine` (workloads/matrix_engine.h), FP32 when none is given.
  explicit ReferenceExecutor(Graph graph, std::shared_ptr<const MatrixEngine> engine = nullptr);

  /// Runs the graph on `input` (batch x features of the first graph input) and returns its first output. Row r
  /// is image first_image + r (what an analog engine keys its noise by). `progress`, if set, is told the rows
  /// done so far after each chunk, from the worker threads but one call at a time.
  hw::BatchMatrix run(const hw::BatchMatrix& input, int threads = 1, std::uint64_t first_image = 0,
                      const std::function<void(Eigen::Index rows_done)>& progress = {}) const;
  const Graph& graph() const { return m_graph; }
  static constexpr int chunk_rows = 128;

  /// One chunk of a run stopped before a node: its rows and every value computed so far.
  struct PartialChunk {
    Eigen::Index first_row = 0;
    std::uint64_t first_image = 0;
    std::map<std::string, hw::BatchMatrix> values;
  };
  /// Runs the nodes before `node` on `input` (one thread, chunked as run() chunks), for run_from() to resume: an
  /// executor of the same graph with another engine can finish the run, so a search that changes only what node
  /// `node` and later nodes compute does not redo the earlier ones.
  std::vector<PartialChunk> run_until(const hw::BatchMatrix& input, std::size_t node,
                                      std::uint64_t first_image = 0) const;
  /// Runs nodes `node`... on chunks stopped there and returns the first output: run_from(run_until(x, n, i), n) is
  /// run(x, threads, i), bit for bit, when the engines agree.
  hw::BatchMatrix run_from(const std::vector<PartialChunk>& chunks, std::size_t node) const;

 private:
  /// Checks every node through its operator's entry and works out its plan.
  void check_nodes();
  /// Rows first_row... of the batch (per-sample constants such as an LSTM's initial state are indexed by it),
  /// which are images first_image...
  hw::BatchMatrix run_chunk(const hw::BatchMatrix& input, Eigen::Index first_row, std::uint64_t first_image) const;
  /// Runs nodes [begin, end) of a chunk on its values.
  void run_nodes(PartialChunk& chunk, std::size_t begin, std::size_t end) const;

  Graph m_graph;
  std::shared_ptr<const MatrixEngine> m_engine;
  std::vector<std::size_t> m_first_layer;               ///< per node, its first weight layer
  std::vector<const operators::Operator*> m_operators;  ///< per node, its registry entry
  std::vector<operators::Plan> m_plans;
};

/// Throws InputError naming the model file and its input when the data set's samples do not have as many values
/// as one sample of the graph's first input.
void check_dataset_fits(const Graph& graph, const Dataset& data, const std::string& model_file);

/// Per row, the index of its largest output (the predicted class).
std::vector<int> predicted_classes(const hw::BatchMatrix& outputs);
/// The fraction of predicted classes equal to the labels.
double accuracy_of(const std::vector<int>& classes, const std::vector<int>& labels);

/// Top-1 accuracy: the fraction of rows whose largest output is at the label's index.
double top1(const hw::BatchMatrix& outputs, const std::vector<int>& labels);

}  // namespace imcsim::workloads
