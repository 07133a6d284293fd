#include "bench/update_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "analog_training/pulsed_training_setup.h"
#include "base/random.h"
#include "bench/timing.h"
#include "chip/chip_config.h"
#include "hw/pulsed_array.h"
#include "workloads/dataset.h"
#include "workloads/training/pulsed_trainer.h"
#include "workloads/training/trainer.h"

namespace imcsim::bench {

namespace {
constexpr int size = 256;
constexpr int vectors = 64;  ///< distinct vector pairs, used in turn
constexpr float lr = 0.01f;
constexpr int sample_updates = 512;  ///< updates whose counts give the pulses and draws per update

hw::PulsedDeviceConfig training_device(float c2c) {
  hw::PulsedDeviceConfig c = hw::aihwkit_soft_bounds();
  c.up_down_dtod = 0.3f;
  c.dw_min_std = c2c;
  return c;
}

/// The vector pairs, one per row: x like activations, d like backpropagated errors.
struct Pairs {
  hw::BatchMatrix x{vectors, size};
  hw::BatchMatrix d{vectors, size};
  std::vector<hw::BatchMatrix> x_rows, d_rows;  ///< each pair as a one-row batch, so no timed copy
};

Pairs make_pairs(std::uint64_t seed) {
  Pairs p;
  RandomStream({seed, RandomPurpose::test_input, 2, 0}).uniform(p.x.data(), static_cast<std::size_t>(p.x.size()));
  RandomStream({seed, RandomPurpose::test_input, 3, 0}).normal(p.d.data(), static_cast<std::size_t>(p.d.size()));
  p.d *= 0.01f;
  for (int k = 0; k < vectors; ++k) {
    p.x_rows.emplace_back(p.x.row(k));
    p.d_rows.emplace_back(p.d.row(k));
  }
  return p;
}

/// One vector pair at a time through `array`, cycling over the pairs.
struct PulsedRunner {
  hw::PulsedArray& array;
  const Pairs& pairs;
  hw::PulseUpdateConfig config;
  std::uint64_t index = 0;
  hw::PulseUpdateCounts operator()() {
    const auto k = static_cast<std::size_t>(index % vectors);
    return array.update(pairs.x_rows[k], pairs.d_rows[k], lr, config, index++);
  }
};

/// Mean counts per update over sample_updates updates, and the expected pulses lr |x|_1 |d|_1 / dw_min.
nlohmann::ordered_json pulses_per_update(PulsedRunner run, const Pairs& pairs, float dw_min) {
  hw::PulseUpdateCounts sum;
  double expected = 0;
  for (int u = 0; u < sample_updates; ++u) {
    const hw::PulseUpdateCounts c = run();
    sum.slots += c.slots;
    sum.row_pulses += c.row_pulses;
    sum.column_pulses += c.column_pulses;
    sum.coincidences += c.coincidences;
    const auto k = static_cast<Eigen::Index>(u % vectors);
    expected += lr * pairs.x.row(k).cwiseAbs().sum() * pairs.d.row(k).cwiseAbs().sum() / dw_min;
  }
  const auto mean = [](std::uint64_t total) { return static_cast<double>(total) / sample_updates; };
  nlohmann::ordered_json j;
  j["slots"] = mean(sum.slots);
  j["row_pulses"] = mean(sum.row_pulses);
  j["column_pulses"] = mean(sum.column_pulses);
  j["coincidences"] = mean(sum.coincidences);
  j["coincidences_expected"] = expected / sample_updates;
  j["firing_words"] = mean(sum.slots) * 2 * size / 4;  // four 8-bit decisions per word (plus rare ties)
  j["c2c_normals"] = mean(sum.coincidences);
  j["c2c_normals_one_row_at_a_time"] = mean(sum.row_pulses) * size;  // a whole row per firing row (the old way)
  return j;
}

constexpr int mlp_images = 500;  ///< Fashion-MNIST training images of the whole-MLP timing: 50 minibatches of 10
constexpr int mlp_batch = 10;

/// Seconds of one epoch of `images` on a fresh trainer made by `make` (the median of `repetitions`), the trainer's
/// construction not timed.
template <typename Make, typename Train>
double median_epoch_s(int repetitions, const Make& make, const Train& train) {
  std::vector<double> seconds;
  for (int r = 0; r < repetitions; ++r) {
    auto trainer = make();
    const auto start = std::chrono::steady_clock::now();
    train(*trainer);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

/// A whole training step of the MLP (784-256-128-10) on the default chip's pulsed arrays (its training device,
/// 256 x 256 tiles, periphery; BL 31, update and BL management, batch 10, lr 0.01, one thread), against the
/// digital trainer's FP32 SGD step of the same network on the same images. The pulsed epoch also reads a 10-image
/// test set from the arrays at its end.
nlohmann::ordered_json mlp_training_step_rate(const BenchOptions& options) {
  const workloads::Dataset train = workloads::load_fashion_mnist("train", mlp_images);
  const workloads::Dataset test = workloads::load_fashion_mnist("test", 10);
  const int repetitions = std::clamp(options.repetitions, 1, 3);
  workloads::training::PulsedTrainingConfig pulsed;
  pulsed.epochs = 1;
  pulsed.batch = mlp_batch;
  pulsed.learning_rate = 0.01;
  pulsed.seed = options.seed;
  pulsed.threads = 1;
  pulsed.layers.update.bl_management = true;
  const chip::ChipConfig chip = chip::default_chip_config();
  pulsed = analog_training::on_chip(pulsed, chip);
  const double pulsed_s = median_epoch_s(
      repetitions, [&] { return std::make_unique<workloads::training::PulsedTrainer>(pulsed); },
      [&](workloads::training::PulsedTrainer& t) { t.train(train, test); });
  int tiles = 0;
  const workloads::training::PulsedTrainer untrained(pulsed);
  for (const auto* layer : untrained.pulsed_layers()) tiles += layer->tiles();

  workloads::training::TrainingConfig digital;
  digital.model = "mlp";
  digital.epochs = 1;
  digital.batch = mlp_batch;
  digital.optimizer.kind = "sgd";
  digital.optimizer.learning_rate = 0.01;
  digital.optimizer.momentum = 0;
  digital.schedule = "constant";
  digital.seed = options.seed;
  digital.threads = 1;
  const double digital_s = median_epoch_s(
      repetitions, [&] { return std::make_unique<workloads::training::Trainer>(digital); },
      [&](workloads::training::Trainer& t) { t.train(train); });

  const double minibatches = static_cast<double>(train.size()) / mlp_batch;
  nlohmann::ordered_json j;
  j["chip"] = chip.name;
  j["images"] = train.size();
  j["batch"] = mlp_batch;
  j["analog_tiles"] = tiles;
  j["pulsed_s_per_minibatch"] = pulsed_s / minibatches;
  j["digital_s_per_minibatch"] = digital_s / minibatches;
  j["ratio"] = pulsed_s / digital_s;
  j["images_per_s"] = static_cast<double>(train.size()) / pulsed_s;
  j["updates_per_s"] = static_cast<double>(train.size()) * tiles / pulsed_s;  // one sample's rank-1 term on one tile
  return j;
}
}  // namespace

nlohmann::ordered_json run_update_benchmark(const BenchOptions& options) {
  const Pairs pairs = make_pairs(options.seed);
  const auto device = hw::make_pulsed_device(training_device(0.3f));
  const auto device_without_c2c = hw::make_pulsed_device(training_device(0.0f));
  hw::PulsedArray array(*device, size, size, options.seed, 0);
  hw::PulsedArray array_without_c2c(*device_without_c2c, size, size, options.seed, 0);
  const hw::PulseUpdateConfig config;  // BL 31, update management on
  PulsedRunner pulsed{array, pairs, config};
  PulsedRunner pulsed_without_c2c{array_without_c2c, pairs, config};

  hw::WeightMatrix w = hw::WeightMatrix::Zero(size, size);
  std::size_t dense_index = 0;
  const auto dense = [&] {
    const auto k = static_cast<Eigen::Index>(dense_index++ % vectors);
    w.noalias() -= (lr * pairs.x.row(k).transpose()) * pairs.d.row(k);
  };
  const PairTiming main = time_pair(
      dense, [&] { pulsed(); }, options.min_time_s, options.repetitions);
  const nlohmann::ordered_json counts = pulses_per_update(pulsed, pairs, device->config().dw_min);

  // The draws of one average update alone: the firing words by the call update() makes, the c2c normals as one
  // contiguous run (update() draws them in runs, one per column).
  const RandomStream stream({options.seed, RandomPurpose::user, 0, 0});
  std::vector<std::uint32_t> words(static_cast<std::size_t>(std::lround(counts["firing_words"].get<double>())));
  std::vector<float> normals(static_cast<std::size_t>(std::lround(counts["c2c_normals"].get<double>())));
  const PairTiming draws =
      time_pair([&] { stream.bits(words.data(), words.size()); },
                [&] { stream.normal(normals.data(), normals.size()); }, options.min_time_s, options.repetitions);
  const PairTiming c2c =
      time_pair([&] { pulsed_without_c2c(); }, [&] { pulsed(); }, options.min_time_s, options.repetitions);
  // Whole batches of pairs per call, 1 and 2 threads (column blocks).
  hw::PulsedArray batch_array(*device, size, size, options.seed, 0);
  std::uint64_t batch_index = 0;
  const auto batch_update = [&](int threads) {
    batch_array.update(pairs.x, pairs.d, lr, config, batch_index++, threads);
  };
  const PairTiming batch =
      time_pair([&] { batch_update(1); }, [&] { batch_update(2); }, options.min_time_s, options.repetitions);

  nlohmann::ordered_json j;
  j["benchmark"] = "update";
  j["rows"] = size;
  j["cols"] = size;
  j["pulse_length"] = config.pulse_length;
  j["update_management"] = config.update_management;
  j["learning_rate"] = lr;
  j["device"] = "soft-bounds, dw_min 0.001, bounds +-0.6, d2d 0.3, c2c 0.3";
  j["dense_s"] = main.reference_s;
  j["pulsed_s"] = main.candidate_s;
  j["ratio"] = main.candidate_s / main.reference_s;
  j["ratio_target"] = 10;
  j["per_update"] = counts;
  nlohmann::ordered_json breakdown;
  breakdown["pulsed_with_c2c_s"] = c2c.candidate_s;
  breakdown["pulsed_without_c2c_s"] = c2c.reference_s;
  breakdown["c2c_s"] = c2c.candidate_s - c2c.reference_s;
  breakdown["firing_words_s"] = draws.reference_s;
  breakdown["c2c_normals_alone_s"] = draws.candidate_s;
  breakdown["decisions_and_pulses_s"] = c2c.reference_s - draws.reference_s;
  j["breakdown"] = breakdown;
  nlohmann::ordered_json batched;
  batched["pairs_per_call"] = vectors;
  batched["one_thread_s_per_pair"] = batch.reference_s / vectors;
  batched["two_threads_s_per_pair"] = batch.candidate_s / vectors;
  j["batched"] = batched;
  j["mlp_training_step"] = mlp_training_step_rate(options);
  return j;
}

}  // namespace imcsim::bench
