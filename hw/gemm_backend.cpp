#include "hw/gemm_backend.h"

#ifdef EIGEN_USE_BLAS
extern "C" void openblas_set_num_threads(int num_threads);
#endif

namespace imcsim::hw {

std::string gemm_backend_name() {
#ifdef EIGEN_USE_BLAS
  return "openblas";
#else
  return "eigen";
#endif
}

void use_single_threaded_gemm() {
#ifdef EIGEN_USE_BLAS
  openblas_set_num_threads(1);
#endif
}

}  // namespace imcsim::hw
