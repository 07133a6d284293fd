# Installs the built tree to a prefix inside the build tree, builds examples/embed against it as an outside
# project would, and runs it. Run by ctest as `cmake -D... -P install_test.cmake` with:
#   BUILD_DIR      the imcsim build tree (already built)
#   EXAMPLE_DIR    the source of examples/embed
#   WORK_DIR       scratch directory (emptied first): WORK_DIR/prefix, WORK_DIR/build
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER, CXX_LAUNCHER   the main build's toolchain (launcher may be empty)
#   BUILD_TYPE, CXX_FLAGS, CXX_TYPE_FLAGS, LINKER_FLAGS, LINKER_TYPE_FLAGS   its build type and that type's flags
cmake_minimum_required(VERSION 3.20)

foreach(var BUILD_DIR EXAMPLE_DIR WORK_DIR GENERATOR CXX_COMPILER BUILD_TYPE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install_test.cmake: ${var} is not set")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(example_build ${WORK_DIR}/build)

function(step name)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${name}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# The package is complete: its config files and presets are there, and every header's quoted includes resolve
# inside the installed include tree (the example only compiles the headers it includes).
foreach(file lib/cmake/imcsim/imcsimConfig.cmake lib/cmake/imcsim/imcsimConfigVersion.cmake
             lib/cmake/imcsim/imcsimTargets.cmake share/imcsim/configs/hermes64.yaml
             share/imcsim/configs/technology/hermes14nm.yaml include/imcsim/chip/chip.h
             share/imcsim/models/manifest.json share/imcsim/models/mlp.onnx
             include/imcsim/workloads/reference_executor.h)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "not installed: ${prefix}/${file}")
  endif()
endforeach()
file(GLOB_RECURSE headers RELATIVE ${prefix}/include/imcsim ${prefix}/include/imcsim/*.h)
foreach(header IN LISTS headers)
  file(STRINGS ${prefix}/include/imcsim/${header} includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" included "${line}")
    if(NOT EXISTS ${prefix}/include/imcsim/${included})
      message(FATAL_ERROR "installed header ${header} includes \"${included}\", which is not installed")
    endif()
  endforeach()
endforeach()
# Nothing in the package may point back into the trees it was built from.
get_filename_component(source_dir ${EXAMPLE_DIR}/../.. ABSOLUTE)
file(GLOB package_files ${prefix}/lib/cmake/imcsim/*.cmake)
foreach(package_file IN LISTS package_files)
  file(READ ${package_file} text)
  foreach(tree ${BUILD_DIR} ${source_dir})
    string(FIND "${text}" "${tree}/" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${package_file} refers to the source or build tree ${tree}")
    endif()
  endforeach()
endforeach()

# The installed command line reads the installed zoo.
step("installed imcsim model show" ${CMAKE_COMMAND} -E env IMCSIM_MODELS_DIR=${prefix}/share/imcsim/models
     ${prefix}/bin/imcsim model show mlp --json)
if(NOT step_output MATCHES "\"model\": \"mlp\"" OR NOT step_output MATCHES "macs_per_inference")
  message(FATAL_ERROR "installed imcsim model show mlp printed:\n${step_output}")
endif()

# The build type's flags go along: a custom type (Sanitize) is unknown to the example, and its objects must link
# with the libraries' instrumentation.
string(TOUPPER ${BUILD_TYPE} type)
set(configure_args -S ${EXAMPLE_DIR} -B ${example_build} -G ${GENERATOR} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_CXX_FLAGS_${type}=${CXX_TYPE_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS_${type}=${LINKER_TYPE_FLAGS}")
if(MAKE_PROGRAM)
  list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CXX_LAUNCHER)
  list(APPEND configure_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
endif()
step("configure examples/embed" ${CMAKE_COMMAND} ${configure_args})
step("build examples/embed" ${CMAKE_COMMAND} --build ${example_build})

# The installed presets, not the source tree's.
step("run imcsim_embed" ${CMAKE_COMMAND} -E env IMCSIM_CONFIG_DIR=${prefix}/share/imcsim/configs
     OPENBLAS_NUM_THREADS=1 ${example_build}/imcsim_embed)
message(STATUS "imcsim_embed output:\n${step_output}")
foreach(expected "core mvm: delay 133.0 ns" "chip hermes64 \\(64 cores\\)" "imcsim_embed: OK")
  if(NOT step_output MATCHES "${expected}")
    message(FATAL_ERROR "imcsim_embed output lacks \"${expected}\"")
  endif()
endforeach()

# The run library from an outside project: the zoo's MLP on the installed preset and zoo.
step("run imcsim_run_model" ${CMAKE_COMMAND} -E env IMCSIM_CONFIG_DIR=${prefix}/share/imcsim/configs
     IMCSIM_MODELS_DIR=${prefix}/share/imcsim/models OPENBLAS_NUM_THREADS=1 ${example_build}/imcsim_run_model)
message(STATUS "imcsim_run_model output:\n${step_output}")
if(NOT step_output MATCHES "mlp: top-1 0\\.[0-9]+ after 1 day \\(FP32 0\\.[0-9]+\\), [0-9.]+ ns and [0-9.]+ uJ")
  message(FATAL_ERROR "imcsim_run_model printed:\n${step_output}")
endif()
