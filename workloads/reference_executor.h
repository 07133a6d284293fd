#pragma once
// The FP32 reference: a forward pass of the graph IR on Eigen, batched and multi-threaded. It is the digital
// baseline every analog result is compared against.
//
// Activations are kept as batch x features matrices (row-major, one sample per row, C order within a sample).
// Contract: the batch is cut into fixed chunks of `chunk_rows` samples whatever the thread count, and each
// chunk is computed the same way, so outputs are bit-identical for any number of threads.

#include <string>

#include "hw/types.h"
#include "workloads/graph.h"

namespace imcsim::workloads {

class ReferenceExecutor {
 public:
  /// Checks that every node can be executed; throws InputError naming the node otherwise.
  explicit ReferenceExecutor(Graph graph);

  /// Runs the graph on `input` (batch x features of the first graph input) and returns its first output.
  hw::BatchMatrix run(const hw::BatchMatrix& input, int threads = 1) const;
  const Graph& graph() const { return m_graph; }
  static constexpr int chunk_rows = 128;

 private:
  hw::BatchMatrix run_chunk(const hw::BatchMatrix& input) const;

  Graph m_graph;
};

/// Top-1 accuracy: the fraction of rows whose largest output is at the label's index.
double top1(const hw::BatchMatrix& outputs, const std::vector<int>& labels);

}  // namespace imcsim::workloads
