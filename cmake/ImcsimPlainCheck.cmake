# SystemC stays out of the plain libraries: the numeric, compiler, configuration and trace code must build, link
# and be usable without the simulator kernel (threads may call it freely; SystemC elaborates once per process).
#
# Two checks, on every target in IMCSIM_PLAIN_TARGETS:
# - at configure time, no target in its transitive link interface is PkgConfig::SystemC (a plain library that
#   links SystemC, or links a library that does, fails the configuration, naming the path);
# - at build time, a directory of poisoned headers comes first on its include path (BEFORE, PRIVATE, build tree
#   only): every header the SystemC package installs (systemc, systemc.h, tlm, tlm.h, sysc/..., tlm_core/...,
#   tlm_utils/...) is an #error there. Debian puts SystemC in /usr/include, where any target would find it
#   without linking SystemC, so only this makes "does not include SystemC, directly or through another header"
#   a fact the build checks.

set(IMCSIM_PLAIN_TARGETS imcsim_base imcsim_hw imcsim_workloads imcsim_core_model imcsim_network_model
                         imcsim_compiler imcsim_accuracy imcsim_traces imcsim_bench imcsim_report imcsim_regress
                         imcsim_sweep imcsim_calibrate imcsim_analog_training)

function(imcsim_check_no_systemc_link target)
  set(queue ${target})
  set(seen)
  while(queue)
    list(POP_FRONT queue current)
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    if(current STREQUAL "PkgConfig::SystemC")
      set(path ${current})
      set(step ${current})
      while(NOT step STREQUAL target)
        set(step ${via_${step}})
        string(PREPEND path "${step} -> ")
      endwhile()
      message(FATAL_ERROR "${target} is a plain library (cmake/ImcsimPlainCheck.cmake) but links SystemC: ${path}")
    endif()
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(aliased ${current} ALIASED_TARGET)
    set(real ${current})
    if(aliased)
      set(real ${aliased})
    endif()
    get_target_property(links ${real} INTERFACE_LINK_LIBRARIES)
    if(current STREQUAL target)
      get_target_property(own ${real} LINK_LIBRARIES)
      list(APPEND links ${own})
    endif()
    foreach(link IN LISTS links)
      string(REGEX REPLACE "^\\$<(LINK_ONLY|BUILD_INTERFACE):(.*)>$" "\\2" link "${link}")
      if(link MATCHES "^\\$<" OR link MATCHES "-NOTFOUND$" OR link STREQUAL "")
        continue()
      endif()
      if(NOT DEFINED via_${link})
        set(via_${link} ${current})
      endif()
      list(APPEND queue ${link})
    endforeach()
  endwhile()
endfunction()

find_path(IMCSIM_SYSTEMC_INCLUDE_DIR systemc.h HINTS ${SystemC_INCLUDE_DIRS} REQUIRED)
mark_as_advanced(IMCSIM_SYSTEMC_INCLUDE_DIR)
set(imcsim_poison_dir ${PROJECT_BINARY_DIR}/no_systemc)
file(GLOB_RECURSE imcsim_systemc_headers RELATIVE ${IMCSIM_SYSTEMC_INCLUDE_DIR}
     ${IMCSIM_SYSTEMC_INCLUDE_DIR}/sysc/* ${IMCSIM_SYSTEMC_INCLUDE_DIR}/tlm_core/*
     ${IMCSIM_SYSTEMC_INCLUDE_DIR}/tlm_utils/*)
foreach(header IN ITEMS systemc systemc.h tlm tlm.h LISTS imcsim_systemc_headers)
  file(CONFIGURE OUTPUT ${imcsim_poison_dir}/${header}
       CONTENT "#error \"<${header}> in a plain imcsim library: SystemC stays out of it (cmake/ImcsimPlainCheck.cmake)\"\n")
endforeach()

foreach(target IN LISTS IMCSIM_PLAIN_TARGETS)
  imcsim_check_no_systemc_link(${target})
  target_include_directories(${target} BEFORE PRIVATE $<BUILD_INTERFACE:${imcsim_poison_dir}>)
endforeach()
