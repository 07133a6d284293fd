#pragma once
// What a digital processor spends on multiply-accumulates (docs/rla.md): the baseline of every randomized
// experiment and the cost of the digital part of its analog variants. Arithmetic only: operand movement (caches,
// DRAM) is left out, which favours the digital side.
//
// Defaults, for a 14 nm CPU/GPU-class FP32 datapath:
// - energy: Horowitz (ISSCC 2014, "Computing's energy problem") gives 3.7 pJ for an FP32 multiply and 0.9 pJ for an
//   FP32 add at 45 nm, 0.9 V: 4.6 pJ per multiply-accumulate. Scaled to 14 nm by C V^2 with C proportional to the
//   feature size (14 / 45) and 0.8 V: 4.6 x 0.311 x 0.79 = 1.1 pJ.
// - throughput: an Intel Xeon Platinum 8180 (14 nm, 28 cores, two AVX-512 FMA units of 16 FP32 lanes each, about
//   2.3 GHz all-core AVX-512): 28 x 2 x 16 x 2.3 GHz = 2.06e12 multiply-accumulates per second, its peak (QR and
//   small SVDs reach far less, which again favours the digital side).

namespace imcsim::rla {

struct DigitalBaseline {
  double pj_per_mac = 1.1;
  double macs_per_s = 2.06e12;
  double energy_uj(double macs) const { return macs * pj_per_mac * 1e-6; }
  double time_ns(double macs) const { return macs / macs_per_s * 1e9; }
};

/// ParameterError naming rla.digital_pj_per_mac or rla.digital_macs_per_s unless both are finite and > 0.
void check_digital_baseline(const DigitalBaseline& baseline);

}  // namespace imcsim::rla
