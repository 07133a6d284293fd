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

Minibatch chunked_minibatch(
    int rows, ChunkPool& pool, std::uint64_t step,
    const std::function<void(int first, int size, Matrix& x, std::vector<int>& labels)>& chunk) {
  Minibatch b;
  b.pass.pool = &pool;
  b.pass.training = true;
  b.pass.step = step;
  b.pass.batch = rows;
  for (int c = 0; c < rows; c += chunk_samples) {
    const int size = std::min(chunk_samples, rows - c);
    b.pass.first.push_back(c);
    Matrix x;
    std::vector<int> labels;
    chunk(c, size, x, labels);
    b.x.push_back(std::move(x));
    b.labels.push_back(std::move(labels));
  }
  return b;
}

Minibatch make_minibatch(const Dataset& data, const std::vector<int>& order, int first, int rows, ChunkPool& pool,
                         std::uint64_t step) {
  return chunked_minibatch(rows, pool, step, [&](int c, int size, Matrix& x, std::vector<int>& y) {
    x.resize(size, data.samples.cols());
    y.resize(static_cast<std::size_t>(size));
    for (int r = 0; r < size; ++r) {
      const int i = order[static_cast<std::size_t>(first + c + r)];
      x.row(r) = data.samples.row(i);
      y[static_cast<std::size_t>(r)] = data.labels[static_cast<std::size_t>(i)];
    }
  });
}

double softmax_loss(float* logits, int classes, int label) {
  auto z = Eigen::Map<Eigen::ArrayXf>(logits, classes);
  z = (z - z.maxCoeff()).exp();
  z /= z.sum();
  const double loss = -std::log(std::max(z(label), 1e-12f));
  z(label) -= 1.0f;
  return loss;
}

LossSum softmax_cross_entropy(Minibatch& b, int steps) {
  const auto chunks = static_cast<int>(b.x.size());
  std::vector<double> losses(static_cast<std::size_t>(chunks));
  std::vector<std::int64_t> hits(static_cast<std::size_t>(chunks));
  b.pass.pool->run(chunks, [&](int k) {
    const auto ks = static_cast<std::size_t>(k);
    Matrix& z = b.x[ks];
    const auto classes = static_cast<int>(z.cols()) / steps;
    double loss = 0;
    std::int64_t hit = 0;
    for (Eigen::Index r = 0; r < z.rows(); ++r) {
      for (int t = 0; t < steps; ++t) {
        float* logits = z.row(r).data() + static_cast<std::ptrdiff_t>(t) * classes;
        const int label = b.labels[ks][static_cast<std::size_t>(r * steps + t)];
        Eigen::Index best = 0;
        Eigen::Map<Eigen::ArrayXf>(logits, classes).maxCoeff(&best);
        hit += best == label;
        loss += softmax_loss(logits, classes, label);
      }
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
  sum.targets = static_cast<std::int64_t>(b.pass.batch) * steps;
  return sum;
}

}  // namespace imcsim::workloads::training
