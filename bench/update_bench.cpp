#include "bench/update_bench.h"

#include <cmath>
#include <vector>

#include "base/random.h"
#include "bench/timing.h"
#include "bench/training_bench.h"
#include "hw/pulsed_array.h"

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
  j["mlp_training_step"] = training_rate("mlp", 500, options);
  return j;
}

}  // namespace imcsim::bench
