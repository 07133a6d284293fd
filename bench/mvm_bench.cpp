// Benchmark "mvm": a batched noisy 256 x 256 crossbar read (DAC + output-referred read noise + ADC, batch 256)
// against a plain float GEMM of the same shapes through the same GEMM backend.

#include "bench/mvm_bench.h"

#include "base/random.h"
#include "bench/timing.h"
#include "hw/crossbar.h"
#include "hw/gemm_backend.h"

namespace imcsim::bench {

namespace {
constexpr int size = 256;
constexpr int batch = 256;

hw::CrossbarConfig benchmark_crossbar() {
  hw::CrossbarConfig c;
  c.rows = size;
  c.cols = size;
  c.dac.bits = 8;
  c.adc.bits = 8;
  c.adc.output_range = 10.0f;
  c.output_noise_std = 0.04f;
  c.pcm_read_noise = 0.0175f;
  return c;
}
}  // namespace

nlohmann::ordered_json run_mvm_benchmark(const BenchOptions& options) {
  hw::BatchMatrix x(batch, size);
  hw::WeightMatrix w(size, size);
  RandomStream({options.seed, RandomPurpose::test_input, 0, 0}).uniform(x.data(), static_cast<std::size_t>(x.size()));
  RandomStream({options.seed, RandomPurpose::test_input, 1, 0}).normal(w.data(), static_cast<std::size_t>(w.size()));
  x = x.array() * 2.0f - 1.0f;
  w = (w * 0.3f).cwiseMax(-1.0f).cwiseMin(1.0f);

  const hw::CrossbarConfig config = benchmark_crossbar();
  hw::Crossbar crossbar(config, options.seed, 0);
  crossbar.set_weights(w, hw::Vector::Ones(size));

  hw::BatchMatrix y_gemm(batch, size);
  hw::BatchMatrix y_noisy;
  std::uint32_t pass = 0;
  const PairTiming t = time_pair([&] { y_gemm.noalias() = x * w; },
                                 [&] {
                                   crossbar.forward(x, hw::ReadId{pass++, 0}, y_noisy);
                                 },
                                 options.min_time_s, options.repetitions);
  const double error = (y_noisy - y_gemm).norm() / y_gemm.norm();

  nlohmann::ordered_json j;
  j["benchmark"] = "mvm";
  j["rows"] = size;
  j["cols"] = size;
  j["batch"] = batch;
  j["gemm_backend"] = hw::gemm_backend_name();
  j["dac_bits"] = config.dac.bits;
  j["adc_bits"] = config.adc.bits;
  j["output_noise_std"] = config.output_noise_std;
  j["pcm_read_noise"] = config.pcm_read_noise;
  j["gemm_s"] = t.reference_s;
  j["noisy_s"] = t.candidate_s;
  j["ratio"] = t.candidate_s / t.reference_s;
  j["noisy_relative_error"] = error;
  return j;
}

}  // namespace imcsim::bench
