#pragma once
// The GEMM backend behind Eigen's large products: OpenBLAS when built with IMCSIM_USE_BLAS, else Eigen's own.
// imcsim keeps the backend single-threaded and parallelises over arrays and images itself, so that the
// reduction order of every product, and so every result, is the same whatever the thread count.

#include <string>

namespace imcsim::hw {

/// "openblas" or "eigen".
std::string gemm_backend_name();
/// Pins the backend to one thread (a no-op for Eigen's own GEMM, which imcsim never runs multi-threaded).
void use_single_threaded_gemm();

}  // namespace imcsim::hw
