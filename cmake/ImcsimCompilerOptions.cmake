# Compiler settings shared by every imcsim target.
#
#   imcsim_warnings  the project's own warning flags; never exported, so they do not reach consumers.
#   imcsim_arch      (imcsim::arch) the target architecture; exported, because the public headers expose Eigen
#                    types whose vectorisation and alignment must be the same on both sides of the library.
#   imcsim_options   what every imcsim target links: imcsim_arch, plus imcsim_warnings inside this build only.

find_program(IMCSIM_CCACHE ccache)
if(IMCSIM_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${IMCSIM_CCACHE})
endif()

# Sanitize: ASan + UBSan with enough optimisation to keep the statistical tests fast.
set(CMAKE_CXX_FLAGS_SANITIZE
    "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    CACHE STRING "Flags for the Sanitize build type" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_SANITIZE "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_SANITIZE "-fsanitize=address,undefined" CACHE STRING "" FORCE)
set(CMAKE_CXX_FLAGS_RELEASE "-O3 -DNDEBUG" CACHE STRING "Flags for the Release build type" FORCE)

add_library(imcsim_warnings INTERFACE)
target_compile_options(imcsim_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                 -Wno-deprecated-copy)
if(IMCSIM_WERROR)
  target_compile_options(imcsim_warnings INTERFACE -Werror)
endif()

add_library(imcsim_arch INTERFACE)
add_library(imcsim::arch ALIAS imcsim_arch)
if(IMCSIM_NATIVE)
  target_compile_options(imcsim_arch INTERFACE -march=native)
  # GCC 12 reports false "uninitialized" warnings inside its own AVX-512 intrinsics headers when Eigen is
  # vectorised for -march=native on AVX-512 machines; they drown real warnings, so they are off in this mode.
  target_compile_options(imcsim_warnings INTERFACE -Wno-maybe-uninitialized -Wno-uninitialized)
endif()

add_library(imcsim_options INTERFACE)
# Debian's SystemC links only as C++17; consumers of the package inherit the requirement.
target_compile_features(imcsim_options INTERFACE cxx_std_17)
target_link_libraries(imcsim_options INTERFACE imcsim_arch $<BUILD_INTERFACE:imcsim_warnings>)
