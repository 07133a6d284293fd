#include "bench/training_bench.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "analog_training/pulsed_training_setup.h"
#include "chip/chip_config.h"
#include "workloads/dataset.h"
#include "workloads/training/pulsed_trainer.h"
#include "workloads/training/trainer.h"

namespace imcsim::bench {

namespace {

constexpr int batch = 10;

/// The median seconds of `repetitions` epochs, each on a fresh trainer made by `make` (not timed) and trained by
/// `train`; `last` sees the last trainer after its epoch.
template <typename Make, typename Train, typename Last>
double median_epoch_s(int repetitions, const Make& make, const Train& train, const Last& last) {
  std::vector<double> seconds;
  for (int r = 0; r < repetitions; ++r) {
    auto trainer = make();
    const auto start = std::chrono::steady_clock::now();
    train(*trainer);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (r + 1 == repetitions) last(*trainer);
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

}  // namespace

nlohmann::ordered_json training_rate(const std::string& model, int images, const BenchOptions& options) {
  const workloads::Dataset train = workloads::load_fashion_mnist("train", images);
  const workloads::Dataset test = workloads::load_fashion_mnist("test", 10);
  const int repetitions = std::clamp(options.repetitions, 1, 3);
  workloads::training::PulsedTrainingConfig pulsed;
  pulsed.model = model;
  pulsed.epochs = 1;
  pulsed.batch = batch;
  pulsed.learning_rate = 0.01;
  pulsed.seed = options.seed;
  pulsed.threads = 1;
  pulsed.layers.update.bl_management = true;
  const chip::ChipConfig chip = chip::default_chip_config();
  pulsed = analog_training::on_chip(pulsed, chip);
  int tiles = 0;
  double sample_updates = 0;
  const double pulsed_s = median_epoch_s(
      repetitions, [&] { return std::make_unique<workloads::training::PulsedTrainer>(pulsed); },
      [&](workloads::training::PulsedTrainer& t) { t.train(train, test); },
      [&](const workloads::training::PulsedTrainer& t) {
        for (const auto* layer : t.pulsed_layers()) {
          tiles += layer->tiles();
          sample_updates += static_cast<double>(layer->matrix().sample_updates()) * layer->tiles();
        }
      });

  workloads::training::TrainingConfig digital;
  digital.model = model;
  digital.epochs = 1;
  digital.batch = batch;
  digital.optimizer.kind = "sgd";
  digital.optimizer.learning_rate = 0.01;
  digital.optimizer.momentum = 0;
  digital.schedule = "constant";
  digital.seed = options.seed;
  digital.threads = 1;
  const double digital_s = median_epoch_s(
      repetitions, [&] { return std::make_unique<workloads::training::Trainer>(digital); },
      [&](workloads::training::Trainer& t) { t.train(train); }, [](const workloads::training::Trainer&) {});

  const double minibatches = static_cast<double>(train.size()) / batch;
  nlohmann::ordered_json j;
  j["model"] = model;
  j["chip"] = chip.name;
  j["images"] = train.size();
  j["batch"] = batch;
  j["analog_tiles"] = tiles;
  j["pulsed_s_per_minibatch"] = pulsed_s / minibatches;
  j["digital_s_per_minibatch"] = digital_s / minibatches;
  j["ratio"] = pulsed_s / digital_s;
  j["images_per_s"] = static_cast<double>(train.size()) / pulsed_s;
  j["digital_images_per_s"] = static_cast<double>(train.size()) / digital_s;
  j["updates_per_s"] = sample_updates / pulsed_s;
  return j;
}

nlohmann::ordered_json run_lstm_training_benchmark(const BenchOptions& options) {
  nlohmann::ordered_json j;
  j["benchmark"] = "lstm-training";
  const nlohmann::ordered_json rate = training_rate("lstm", 500, options);
  for (const auto& [key, value] : rate.items()) j[key] = value;
  return j;
}

}  // namespace imcsim::bench
