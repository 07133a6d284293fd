#include "workloads/mlp_trainer.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "workloads/reference_executor.h"

namespace imcsim::workloads {
namespace {

MlpTrainingConfig small() {
  MlpTrainingConfig c;
  c.layers = {784, 64, 10};
  c.epochs = 2;
  c.batch = 64;
  return c;
}

TEST(MlpTrainer, LearnsFashionMnistAndIsReproducible) {
  const Dataset train = load_fashion_mnist("train", 3000);
  const Dataset test = load_fashion_mnist("test", 1000);
  std::vector<double> losses;
  const Graph a = train_mlp(small(), train, [&](const EpochReport& r) { losses.push_back(r.loss); });
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_LT(losses[1], losses[0]);
  const double accuracy = top1(ReferenceExecutor(a).run(test.samples), test.labels);
  EXPECT_GT(accuracy, 0.70) << "two epochs on 3,000 images";
  // Same seed: the same network, bit for bit; another seed: another network.
  const Graph b = train_mlp(small(), train);
  EXPECT_EQ(a.tensor("fc1.weight").data, b.tensor("fc1.weight").data);
  MlpTrainingConfig other = small();
  other.seed = 2;
  EXPECT_NE(a.tensor("fc1.weight").data, train_mlp(other, train).tensor("fc1.weight").data);
  EXPECT_EQ(a.parameter_count(), 784 * 64 + 64 + 64 * 10 + 10);
}

TEST(MlpTrainer, RejectsLayersThatDoNotFitTheData) {
  const Dataset train = load_fashion_mnist("train", 100);
  MlpTrainingConfig c = small();
  c.layers = {100, 10};
  EXPECT_THROW(train_mlp(c, train), ParameterError);
}

}  // namespace
}  // namespace imcsim::workloads
