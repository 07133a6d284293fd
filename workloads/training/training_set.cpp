#include "workloads/training/training_set.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"
#include "workloads/reference_executor.h"
#include "workloads/text_corpus.h"

namespace imcsim::workloads::training {

void check_network_input(const TrainingSet& data, const Network& network) {
  if (data.features() != network.input_shape().size()) {
    throw ParameterError("train.dataset", "the network " + network.name() + " reads samples of " +
                                              std::to_string(network.input_shape().size()) +
                                              " values, the data set's have " + std::to_string(data.features()));
  }
}

Minibatch ImageSet::minibatch(const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                              std::uint64_t step) const {
  return make_minibatch(m_data, order, first, rows, pool, step);
}

double ImageSet::score(const Matrix& logits) const { return top1(logits, m_data.labels); }

TextSet::TextSet(const std::vector<std::uint8_t>& symbols, int length, int max_sequences)
    : m_symbols(symbols), m_length(length) {
  if (length < 1) throw ParameterError("train.text", "the sequence length must be at least 1");
  const std::int64_t all = sequence_count(static_cast<std::int64_t>(symbols.size()), length);
  m_sequences = static_cast<int>(max_sequences > 0 ? std::min<std::int64_t>(all, max_sequences) : all);
  if (m_sequences < 1) {
    throw ParameterError("train.text", "the split of " + std::to_string(symbols.size()) +
                                           " symbols holds no sequence of " + std::to_string(length));
  }
}

int TextSet::features() const { return m_length * text_symbols; }

void TextSet::sequences(const std::vector<int>& order, int first, int rows, Matrix& x,
                        std::vector<int>& targets) const {
  const SymbolBatch batch = make_symbol_batch(m_symbols, m_length, order, first, rows);
  x = Matrix::Zero(rows, static_cast<Eigen::Index>(m_length) * text_symbols);
  for (int r = 0; r < rows; ++r) {
    for (int t = 0; t < m_length; ++t) {
      const auto id = static_cast<std::size_t>(t) * static_cast<std::size_t>(rows) + static_cast<std::size_t>(r);
      x(r, static_cast<Eigen::Index>(t) * text_symbols + batch.inputs[id]) = 1.0f;
    }
  }
  targets = sample_major_targets(batch);
}

std::vector<int> TextSet::sample_major_targets(const SymbolBatch& batch) const {
  const auto rows = static_cast<std::size_t>(batch.sequences), steps = static_cast<std::size_t>(m_length);
  std::vector<int> targets(rows * steps);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t t = 0; t < steps; ++t) targets[r * steps + t] = batch.targets[t * rows + r];
  return targets;
}

Minibatch TextSet::minibatch(const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                             std::uint64_t step) const {
  return chunked_minibatch(rows, pool, step, [&](int c, int size, Matrix& x, std::vector<int>& targets) {
    sequences(order, first + c, size, x, targets);
  });
}

LossSum TextSet::loss(Minibatch& b) const { return softmax_cross_entropy(b, m_length); }

std::vector<int> TextSet::in_order() const {
  std::vector<int> order(static_cast<std::size_t>(m_sequences));
  for (int i = 0; i < m_sequences; ++i) order[static_cast<std::size_t>(i)] = i;
  return order;
}

Matrix TextSet::inputs() const {
  Matrix x;
  std::vector<int> targets;
  sequences(in_order(), 0, m_sequences, x, targets);
  return x;
}

double TextSet::score(const Matrix& logits) const {
  if (logits.rows() != m_sequences || logits.cols() != static_cast<Eigen::Index>(m_length) * text_symbols) {
    throw Error("TextSet::score: logits of " + std::to_string(logits.rows()) + " x " + std::to_string(logits.cols()) +
                " for " + std::to_string(m_sequences) + " sequences of " + std::to_string(m_length));
  }
  const std::vector<int> targets =
      sample_major_targets(make_symbol_batch(m_symbols, m_length, in_order(), 0, m_sequences));
  double nats = 0;
  Eigen::ArrayXf z(text_symbols);
  for (int r = 0; r < m_sequences; ++r) {
    for (int t = 0; t < m_length; ++t) {
      z = logits.row(r).segment(static_cast<Eigen::Index>(t) * text_symbols, text_symbols).transpose().array();
      nats += softmax_loss(z.data(), text_symbols, targets[static_cast<std::size_t>(r * m_length + t)]);
    }
  }
  return nats / (static_cast<double>(m_sequences) * m_length) / std::log(2.0);
}

}  // namespace imcsim::workloads::training
