# Install rules and the CMake package: `cmake --install build --prefix P` puts
#   P/lib/libimcsim_*.a                       the libraries (static)
#   P/include/imcsim/<folder>/*.h             the headers, included as "chip/chip.h" like inside the project
#   P/share/imcsim/configs/                   the chip presets and technology tables
#   P/share/imcsim/models/                    the model zoo (ONNX files and manifest.json)
#   P/lib/cmake/imcsim/                       imcsimConfig.cmake, imcsimConfigVersion.cmake, imcsimTargets.cmake
#   P/bin/imcsim                              the command line
# so that another CMake project can `find_package(imcsim)` and link imcsim::chip (docs/embedding.md).

include(CMakePackageConfigHelpers)

set(IMCSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/imcsim
    CACHE STRING "Where imcsimConfig.cmake is installed, relative to the prefix")
mark_as_advanced(IMCSIM_INSTALL_CMAKEDIR)

# The libraries in dependency order (a folder may hold a plain library and a SystemC one), then the interface
# targets they link: every target in a static library's link interface must be exported too. imcsim_warnings is
# linked only through $<BUILD_INTERFACE:> and stays out.
set(imcsim_library_folders base hw interconnect cores firmware chip workloads traces report runner)
set(imcsim_library_targets base hw network_model interconnect core_model cores compiler firmware accuracy chip
                           workloads traces report runner)
set(imcsim_interface_targets options arch eigen random123)
set(imcsim_exported_targets)
foreach(name IN LISTS imcsim_library_targets imcsim_interface_targets)
  set_target_properties(imcsim_${name} PROPERTIES EXPORT_NAME ${name})
  list(APPEND imcsim_exported_targets imcsim_${name})
endforeach()

# chip::preset_directory() falls back to the installed presets when the source tree is not there.
target_compile_definitions(imcsim_accuracy
  PRIVATE IMCSIM_INSTALL_CONFIG_DIR="${CMAKE_INSTALL_FULL_DATADIR}/imcsim/configs")

target_compile_definitions(imcsim_workloads
  PRIVATE IMCSIM_INSTALL_MODELS_DIR="${CMAKE_INSTALL_FULL_DATADIR}/imcsim/models")

# runner::imcsim_executable() falls back to the installed command line for worker processes.
target_compile_definitions(imcsim_runner PRIVATE IMCSIM_INSTALL_BINARY="${CMAKE_INSTALL_FULL_BINDIR}/imcsim")

install(TARGETS ${imcsim_exported_targets}
  EXPORT imcsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS imcsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Every header of the library folders: a public header may include any other one of them.
foreach(folder IN LISTS imcsim_library_folders)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/imcsim/${folder}
    FILES_MATCHING PATTERN "*.h")
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/imcsim/configs
  FILES_MATCHING PATTERN "*.yaml")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/workloads/models/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/imcsim/models
  FILES_MATCHING PATTERN "*.onnx" PATTERN "*.json")

install(EXPORT imcsimTargets
  NAMESPACE imcsim::
  DESTINATION ${IMCSIM_INSTALL_CMAKEDIR})

# Read by imcsimConfig.cmake.in.
set(IMCSIM_CONFIG_DATADIR ${CMAKE_INSTALL_DATADIR}/imcsim/configs)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/imcsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/imcsimConfig.cmake
  INSTALL_DESTINATION ${IMCSIM_INSTALL_CMAKEDIR}
  PATH_VARS IMCSIM_CONFIG_DATADIR)
# 0.x: minor versions may break the interface.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/imcsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/imcsimConfig.cmake ${PROJECT_BINARY_DIR}/imcsimConfigVersion.cmake
  DESTINATION ${IMCSIM_INSTALL_CMAKEDIR})
