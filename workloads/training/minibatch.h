#pragma once
// The pieces of a training epoch that every trainer shares (trainer.h, pulsed_trainer.h): the epoch's sample
// order, a minibatch cut into chunks, and the softmax cross-entropy that turns the logits into their gradient.
//
// Contract: everything is a pure function of its arguments (the order of a seed and an epoch, the chunks of a
// slice of that order), and the loss is reduced over the chunks in their order, so results do not depend on the
// thread count.

#include <cstdint>
#include <functional>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/training/layers.h"

namespace imcsim::workloads::training {

/// A fresh permutation of [0, n) for each epoch: samples sorted by counter-based random keys of (seed, epoch).
std::vector<int> epoch_order(int n, std::uint64_t seed, int epoch);

struct Minibatch {
  std::vector<Matrix> x;                 ///< per chunk: samples x features
  std::vector<std::vector<int>> labels;  ///< per chunk
  Pass pass;                             ///< training pass of this minibatch (pool, step, chunk starts)
};
/// A training minibatch of `rows` samples in chunks of chunk_samples at optimizer step `step`:
/// chunk(first, size, x, labels) fills the chunk of the minibatch's samples first .. first + size.
Minibatch chunked_minibatch(int rows, ChunkPool& pool, std::uint64_t step,
                            const std::function<void(int first, int size, Matrix& x, std::vector<int>& labels)>& chunk);
/// Samples order[first .. first + rows) of `data`, in chunks of chunk_samples.
Minibatch make_minibatch(const Dataset& data, const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                         std::uint64_t step);

struct LossSum {
  double loss = 0;           ///< summed cross-entropy of the minibatch's targets (nats)
  std::int64_t correct = 0;  ///< targets whose largest logit is their label
  std::int64_t targets = 0;  ///< targets (samples x steps)

  LossSum& operator+=(const LossSum& o) {
    loss += o.loss;
    correct += o.correct;
    targets += o.targets;
    return *this;
  }
  double mean_loss() const { return loss / static_cast<double>(targets); }
  double accuracy() const { return static_cast<double>(correct) / static_cast<double>(targets); }
};
/// Softmax cross-entropy of the logits in `b.x`, `steps` targets per sample (logits: rows x steps classes,
/// step-contiguous; labels: sample-major, r steps + t); replaces them by the gradient of the minibatch's mean over
/// samples of each sample's summed step losses.
LossSum softmax_cross_entropy(Minibatch& b, int steps = 1);
/// The cross-entropy (nats) of the softmax of `classes` logits at `label` (probabilities below 1e-12 count as
/// 1e-12); replaces the logits by the loss's gradient (softmax minus the one-hot label).
double softmax_loss(float* logits, int classes, int label);

}  // namespace imcsim::workloads::training
