#pragma once
// The `loss` objective of range calibration (issue 16): the network's cross-entropy on the calibration images
// (training images; the graph's output taken as logits), for one weight layer k and one noise seed, with
//   - the layers before k read through their tiles at their calibrated ranges (layers calibrate in order, each
//     seeing the calibrated earlier layers),
//   - layer k's tiles at their uncalibrated ranges except the candidate tile, read through the candidate's
//     crossbar (calibrate/tile_objective.h: TileObjective::read_at),
//   - the layers after k in FP32 (the loss is what layers 0..k cost the network; the later layers are calibrated
//     in their turn).
// `base` is the chip model's engine for the seed (chip::AnalogModel with the ranges so far, at the drift time, drift
// compensated). What does not depend on the candidate is computed once, when the loss is constructed (the loss at
// the uncalibrated start): the nodes before layer k's node (ReferenceExecutor::run_until) and every read of a tile
// of that node other than the candidate. A candidate's loss then reads only the candidate and runs layer k's node
// and the later ones (ReferenceExecutor::run_from).
//
// Contract: loss() is a pure function of the candidate (deterministic; reads keyed as the accuracy path keys them,
// from `first_image` on); it is const and safe to call from several threads at once.

#include <cstdint>
#include <memory>
#include <vector>

#include "chip/analog_engine.h"
#include "chip/tile_numerics.h"
#include "workloads/graph.h"
#include "workloads/reference_executor.h"

namespace imcsim::calibrate {

/// The mean cross-entropy of `logits` (images x classes) against `labels`, in nats.
double cross_entropy(const hw::BatchMatrix& logits, const std::vector<int>& labels);

class NetworkLoss {
 public:
  /// `samples`/`labels`: the calibration images; `layer`: k. Runs the network once.
  NetworkLoss(const workloads::Graph& graph, std::shared_ptr<const chip::AnalogEngine> base, std::size_t layer,
              const hw::BatchMatrix& samples, std::vector<int> labels, std::uint64_t first_image);
  ~NetworkLoss();

  /// The loss with every tile of layer k whose index in the mapping (replica-major) has replaced[i] true read
  /// through `candidate` instead.
  double loss(const chip::TileNumerics& candidate, const std::vector<bool>& replaced) const;
  /// The loss with no tile replaced.
  double start_loss() const { return m_start_loss; }

 private:
  class Engine;
  struct Recorded;

  workloads::Graph m_graph;
  std::shared_ptr<const chip::AnalogEngine> m_base;
  std::size_t m_layer;
  hw::BatchMatrix m_samples;
  std::vector<int> m_labels;
  std::uint64_t m_first_image;
  std::size_t m_node = 0;  ///< layer k's node
  std::vector<workloads::ReferenceExecutor::PartialChunk> m_stopped;  ///< the chunks stopped before it
  std::shared_ptr<const Recorded> m_recorded;
  double m_start_loss = 0;
};

}  // namespace imcsim::calibrate
