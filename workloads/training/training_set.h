#pragma once
// What a trainer trains and is tested on (trainer.h, pulsed_trainer.h): samples cut into minibatches, the loss of
// the network's outputs with its gradient, and the figure of merit of a whole split.
// - ImageSet: Fashion-MNIST images (workloads/dataset.h), one label each; softmax cross-entropy; test top-1.
// - TextSet: sequences of a text split (workloads/text_corpus.h), a sample the one-hot inputs of its L steps
//   (L x text_symbols, batch_first) and its L targets; the network outputs L x text_symbols logits per sample; the
//   loss is the per-step softmax cross-entropy; test figure: bits per character.
//
// Contract: everything is a pure function of its arguments, and losses are reduced over the chunks in their order,
// so results do not depend on the thread count. loss() replaces the logits by the gradient of the minibatch's
// mean loss per sample (a sequence's loss is the sum of its steps', as in back-propagation through time).

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/dataset.h"
#include "workloads/text_corpus.h"
#include "workloads/training/minibatch.h"

namespace imcsim::workloads::training {

class TrainingSet {
 public:
  virtual ~TrainingSet() = default;
  virtual int size() const = 0;      ///< samples (images or sequences)
  virtual int features() const = 0;  ///< values of one sample as a network input
  /// Samples order[first .. first + rows) in chunks of chunk_samples, with their targets.
  virtual Minibatch minibatch(const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                              std::uint64_t step) const = 0;
  /// The loss of the logits in b.x (summed over the targets), which it replaces by their gradient.
  virtual LossSum loss(Minibatch& b) const = 0;
  /// Every sample as a network input, one row each.
  virtual Matrix inputs() const = 0;
  /// The figure of merit of the logits of inputs(): top-1 accuracy or bits per character.
  virtual double score(const Matrix& logits) const = 0;
  /// "top1" | "bits_per_char" (summaries write "test_" and this).
  virtual std::string score_name() const = 0;
};

/// Throws ParameterError("train.dataset") unless `data`'s samples are what `network` reads.
void check_network_input(const TrainingSet& data, const Network& network);

/// Images of a data set (kept by reference: it must outlive the set).
class ImageSet : public TrainingSet {
 public:
  explicit ImageSet(const Dataset& data) : m_data(data) {}
  int size() const override { return m_data.size(); }
  int features() const override { return static_cast<int>(m_data.samples.cols()); }
  Minibatch minibatch(const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                      std::uint64_t step) const override;
  LossSum loss(Minibatch& b) const override { return softmax_cross_entropy(b); }
  Matrix inputs() const override { return m_data.samples; }
  double score(const Matrix& logits) const override;
  std::string score_name() const override { return "top1"; }

 private:
  const Dataset& m_data;
};

/// The sequences of `length` symbols of a text split (kept by reference: it must outlive the set), at most
/// max_sequences of them (0: all; the leading ones).
class TextSet : public TrainingSet {
 public:
  /// Throws ParameterError("train.text") when the split holds no sequence of that length.
  TextSet(const std::vector<std::uint8_t>& symbols, int length, int max_sequences = 0);
  int size() const override { return m_sequences; }
  int features() const override;
  int length() const { return m_length; }
  Minibatch minibatch(const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                      std::uint64_t step) const override;
  LossSum loss(Minibatch& b) const override;
  Matrix inputs() const override;
  /// Mean cross-entropy per target in bits.
  double score(const Matrix& logits) const override;
  std::string score_name() const override { return "bits_per_char"; }

 private:
  /// Samples order[first .. first + rows): one-hot inputs (rows x L V) and targets, sample-major (r L + t).
  void sequences(const std::vector<int>& order, int first, int rows, Matrix& x, std::vector<int>& targets) const;
  /// The batch's targets sample-major (r L + t), as the loss reads its labels.
  std::vector<int> sample_major_targets(const SymbolBatch& batch) const;
  /// 0, 1, ..., size() - 1.
  std::vector<int> in_order() const;

  const std::vector<std::uint8_t>& m_symbols;
  int m_length;
  int m_sequences;
};

}  // namespace imcsim::workloads::training
