#include "workloads/training/minibatch.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "base/random.h"

namespace imcsim::workloads::training {

std::vector<int> epoch_order(int n, std::uint64_t seed, int epoch) {
  std::vector<int> order(static_cast<std::size_t>(n));
  std::vector<float> keys(static_cast<std::size_t>(n));
  RandomStream({seed, RandomPurpose::user, 1000, static_cast<std::uint32_t>(epoch)}).uniform(keys.data(), keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return keys[static_cast<std::size_t>(a)] < keys[static_cast<std::size_t>(b)]; });
  return order;
}

Minibatch make_minibatch(const Dataset& data, const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                         std::uint64_t step) {
  Minibatch b;
  b.pass.pool = &pool;
  b.pass.training = true;
  b.pass.step = step;
  b.pass.batch = rows;
  for (int c = 0; c < rows; c += chunk_samples) {
    const int size = std::min(chunk_samples, rows - c);
    b.pass.first.push_back(c);
    Matrix chunk(size, data.samples.cols());
    std::vector<int> y(static_cast<std::size_t>(size));
    for (int r = 0; r < size; ++r) {
      const int i = order[static_cast<std::size_t>(first + c + r)];
      chunk.row(r) = data.samples.row(i);
      y[static_cast<std::size_t>(r)] = data.labels[static_cast<std::size_t>(i)];
    }
    b.x.push_back(std::move(chunk));
    b.labels.push_back(std::move(y));
  }
  return b;
}

LossSum softmax_cross_entropy(Minibatch& b) {
  const auto chunks = static_cast<int>(b.x.size());
  std::vector<double> losses(static_cast<std::size_t>(chunks));
  std::vector<std::int64_t> hits(static_cast<std::size_t>(chunks));
  b.pass.pool->run(chunks, [&](int k) {
    const auto ks = static_cast<std::size_t>(k);
    Matrix& z = b.x[ks];
    double loss = 0;
    std::int64_t hit = 0;
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
      auto row = z.row(r).array();
      const int label = b.labels[ks][static_cast<std::size_t>(r)];
      Eigen::Index best = 0;
      row.maxCoeff(&best);
      hit += best == label;
      row = (row - row.maxCoeff()).exp();
      row /= row.sum();
      loss -= std::log(std::max(row(label), 1e-12f));
      row(label) -= 1.0f;
    }
    z /= static_cast<float>(b.pass.batch);
    losses[ks] = loss;
    hits[ks] = hit;
  });
  LossSum sum;
  for (int k = 0; k < chunks; ++k) {
    sum.loss += losses[static_cast<std::size_t>(k)];
    sum.correct += hits[static_cast<std::size_t>(k)];
  }
  return sum;
}

}  // namespace imcsim::workloads::training
