# Every external dependency comes from Debian packages installed by scripts/setup.sh.

find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian ships SystemC with pkg-config files only, no CMake package.
pkg_check_modules(SystemC REQUIRED IMPORTED_TARGET systemc>=2.3.4)

# Random123 (Philox counter-based generator) is header-only.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(imcsim_random123 INTERFACE)
# Only the sources use it (no public header does), so installed consumers need not have it.
target_include_directories(imcsim_random123 SYSTEM INTERFACE $<BUILD_INTERFACE:${RANDOM123_INCLUDE_DIR}>)

# Eigen with its GEMM handed to OpenBLAS when IMCSIM_USE_BLAS is on. Exported (imcsim::eigen): EIGEN_USE_BLAS
# decides how inline Eigen code in the public headers compiles, and consumers must compile it the same way.
add_library(imcsim_eigen INTERFACE)
target_link_libraries(imcsim_eigen INTERFACE Eigen3::Eigen)
if(IMCSIM_USE_BLAS)
  set(BLA_VENDOR OpenBLAS)
  find_package(BLAS REQUIRED)
  target_compile_definitions(imcsim_eigen INTERFACE EIGEN_USE_BLAS)
  target_link_libraries(imcsim_eigen INTERFACE BLAS::BLAS)
endif()

# Workloads: gzip-compressed data sets and ONNX models. Debian's ONNX package needs protobuf's targets first;
# its targets are onnx and onnx_proto (with ONNX_NAMESPACE=onnx, ONNX_ML=1).
find_package(ZLIB REQUIRED)
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
# imcsim sweep under mpirun (sweep/mpi_runner.h): Open MPI from Debian, its C API only (no C++ bindings).
if(IMCSIM_WITH_MPI)
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI REQUIRED COMPONENTS CXX)
endif()
