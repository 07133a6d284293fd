#pragma once
// The executor benchmark (`imcsim bench executor`): images per second of the FP32 reference executor
// (workloads/reference_executor.h) on every zoo model, one and two threads, over the 10,000 Fashion-MNIST test
// images. Plain C++, in this process.
//
// Contract: throws imcsim::Error (a missing zoo model or data set); never exits or prints.

#include <nlohmann/json.hpp>

namespace imcsim::bench {

/// Per model: images per second over three passes (after one warm-up pass) at 1 and 2 threads, and their ratio.
nlohmann::ordered_json executor_benchmark();

}  // namespace imcsim::bench
