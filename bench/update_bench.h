#pragma once
// Benchmark "update" (`imcsim bench update`, issue 17): the stochastic pulsed update of analog training against a
// dense float rank-1 update of the same 256 x 256 matrix, one vector pair at a time (x in [0, 1] like
// activations, d ~ N(0, 0.01), lr 0.01). The candidate is PulsedArray::update at BL 31 with update management
// on the soft-bounds device of the training experiments (dw_min 0.001, bounds +-0.6, d2d 0.3, c2c 0.3). Prints
// both times per update, their ratio (target: at most 10), pulses and draws per update, a breakdown of the
// pulsed time (without c2c noise, the firing words and the c2c normals drawn alone, the firing decisions and
// device steps), whole batches on one and two threads, and the rate of a whole MLP training step on the default
// chip's pulsed arrays against the digital trainer's (50 minibatches of 10 Fashion-MNIST training images).
//
// Contract: plain C++ (no SystemC); never exits or prints.

#include "bench/benchmarks.h"

namespace imcsim::bench {

nlohmann::ordered_json run_update_benchmark(const BenchOptions& options);

}  // namespace imcsim::bench
