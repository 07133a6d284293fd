# Compiler settings shared by every imcsim target, applied through the interface target imcsim_options.

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

add_library(imcsim_options INTERFACE)
target_compile_options(imcsim_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                 -Wno-deprecated-copy)
if(IMCSIM_WERROR)
  target_compile_options(imcsim_options INTERFACE -Werror)
endif()
if(IMCSIM_NATIVE)
  # GCC 12 reports false "uninitialized" warnings inside its own AVX-512 intrinsics headers when Eigen is
  # vectorised for -march=native on AVX-512 machines; they drown real warnings, so they are off in this mode.
  target_compile_options(imcsim_options INTERFACE -march=native -Wno-maybe-uninitialized -Wno-uninitialized)
endif()
