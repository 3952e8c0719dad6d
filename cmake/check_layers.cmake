cmake_minimum_required(VERSION 3.25)
# Checks every #include of the project's folders against cmake/layers.cmake.
# Run on every build (the arts_layer_check target):
#   cmake -DARTS_SOURCE_DIR=<repo> -P cmake/check_layers.cmake
# Fails, naming file, line and rule, when a file includes a folder its own
# folder does not declare, when a folder not allowed LibTorch includes it,
# when a source folder is missing from the table, or when the declared
# dependencies form a cycle.
include(${CMAKE_CURRENT_LIST_DIR}/layers.cmake)

set(errors "")
set(folders "")
foreach(entry IN LISTS ARTS_LAYERS)
  arts_parse_layer("${entry}" L)
  list(APPEND folders "${L_FOLDER}")
  string(MAKE_C_IDENTIFIER "${L_FOLDER}" id)
  set(deps_${id} "${L_DEPS}")
  set(torch_${id} "${L_TORCH}")
endforeach()

# The layer that owns an include path: the longest folder that prefixes it.
# Generated protos ("arts/v1/...", "grpc/health/v1/...") belong to proto/.
function(owner_of path out)
  set(best "")
  if(path MATCHES "^(arts/v1|grpc/health/v1)/")
    set(best "proto")
  endif()
  foreach(folder IN LISTS folders)
    string(LENGTH "${folder}" n)
    string(LENGTH "${best}" b)
    if(path MATCHES "^${folder}/[^/]+$" AND n GREATER b)
      set(best "${folder}")
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

foreach(folder IN LISTS folders)
  string(MAKE_C_IDENTIFIER "${folder}" id)
  file(GLOB files "${ARTS_SOURCE_DIR}/${folder}/*.h"
       "${ARTS_SOURCE_DIR}/${folder}/*.cc" "${ARTS_SOURCE_DIR}/${folder}/*.proto")
  foreach(file IN LISTS files)
    file(RELATIVE_PATH rel "${ARTS_SOURCE_DIR}" "${file}")
    file(STRINGS "${file}" lines REGEX "^#include|^import ")
    foreach(line IN LISTS lines)
      # One MATCHES per if(): CMake evaluates every operand of OR, and a
      # failed match clears CMAKE_MATCH_1.
      set(path "")
      if(line MATCHES "^#include \"([^\"]+)\"")
        set(path "${CMAKE_MATCH_1}")
      elseif(line MATCHES "^import \"([^\"]+)\"")
        set(path "${CMAKE_MATCH_1}")
      endif()
      if(line MATCHES "^#include <(torch|ATen|c10)/")
        if(NOT torch_${id})
          list(APPEND errors "${rel}: '${line}': ${folder}/ may not include LibTorch")
        endif()
      elseif(NOT path STREQUAL "")
        owner_of("${path}" owner)
        if(owner STREQUAL "" AND path MATCHES "^(core|backends|server|client|proto|tests)/")
          list(APPEND errors "${rel}: '${line}': no layer owns ${path}")
        elseif(NOT owner STREQUAL "" AND NOT owner STREQUAL folder)
          list(FIND deps_${id} "${owner}" found)
          if(found EQUAL -1)
            list(APPEND errors "${rel}: '${line}': ${folder}/ does not depend on ${owner}/ (cmake/layers.cmake)")
          endif()
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

# Every folder holding sources is in the table.
file(GLOB_RECURSE sources RELATIVE "${ARTS_SOURCE_DIR}"
     "${ARTS_SOURCE_DIR}/core/*.cc" "${ARTS_SOURCE_DIR}/core/*.h"
     "${ARTS_SOURCE_DIR}/backends/*.cc" "${ARTS_SOURCE_DIR}/backends/*.h"
     "${ARTS_SOURCE_DIR}/server/*.cc" "${ARTS_SOURCE_DIR}/client/*.cc"
     "${ARTS_SOURCE_DIR}/client/*.h")
foreach(source IN LISTS sources)
  get_filename_component(dir "${source}" DIRECTORY)
  list(FIND folders "${dir}" found)
  if(found EQUAL -1)
    list(APPEND errors "${source}: folder ${dir}/ is not in cmake/layers.cmake")
  endif()
endforeach()

# No cycles: depth-first search from every folder.
function(visit folder path)
  string(MAKE_C_IDENTIFIER "${folder}" id)
  list(FIND path "${folder}" seen)
  if(NOT seen EQUAL -1)
    list(APPEND path "${folder}")
    string(REPLACE ";" " -> " chain "${path}")
    message(FATAL_ERROR "arts layers: dependency cycle: ${chain}")
  endif()
  list(APPEND path "${folder}")
  foreach(dep IN LISTS deps_${id})
    visit("${dep}" "${path}")
  endforeach()
endfunction()
foreach(folder IN LISTS folders)
  visit("${folder}" "")
endforeach()

if(errors)
  list(LENGTH errors count)
  string(REPLACE ";" "\n  " text "${errors}")
  message(FATAL_ERROR "arts layers: ${count} include(s) break the layering:\n  ${text}")
endif()
