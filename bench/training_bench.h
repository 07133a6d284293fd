#pragma once
// Training throughput of a zoo model on the chip's pulsed arrays against the digital trainer (`imcsim bench
// update`'s mlp_training_step, `imcsim bench lstm-training`; issues 17 and 18): one epoch of `images`
// Fashion-MNIST training images (sequences of 28 rows for the LSTM) on the default chip's arrays (its training
// device, 256 x 256 tiles and periphery; BL 31 with update and BL management, batch 10, lr 0.01, one thread),
// against the digital trainer's FP32 SGD step of the same network on the same images. Each side's time is the
// median of up to three epochs on fresh trainers (construction not timed); the pulsed epoch also reads a
// 10-image test set from the arrays at its end.
//
// Contract: plain C++ (no SystemC); never exits or prints.

#include <nlohmann/json.hpp>
#include <string>

#include "bench/benchmarks.h"

namespace imcsim::bench {

/// The figures of one model: chip, images, batch, analog tiles, seconds per minibatch of each side, their ratio,
/// images per second and sample updates per second (one rank-1 term on one tile: a sample's, or for the LSTM a
/// sample's time step's).
nlohmann::ordered_json training_rate(const std::string& model, int images, const BenchOptions& options);

/// Benchmark "lstm-training": training_rate of the zoo LSTM on 500 sequences.
nlohmann::ordered_json run_lstm_training_benchmark(const BenchOptions& options);

}  // namespace imcsim::bench
