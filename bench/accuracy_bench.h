#pragma once
// The accuracy benchmark (`imcsim bench accuracy`): the chip's batched accuracy path (chip/accuracy.h) against the
// FP32 reference on the zoo's default model, hermes64, one drift time (1 h) with compensation, both on two
// threads in this process. Plain C++ (no SystemC), so callable any number of times.
//
// Contract: throws imcsim::Error (a missing zoo model or data set); never exits or prints.

#include <nlohmann/json.hpp>

namespace imcsim::bench {

/// Times and top-1 of both sides over the first `max_images` Fashion-MNIST test images (0: all 10,000).
nlohmann::ordered_json accuracy_benchmark(int max_images = 0);

}  // namespace imcsim::bench
