# arts_folder_library(<folder> SOURCES <files...> [EXTERNAL <targets...>])
#
# The one library of <folder>: linked PUBLIC to the libraries of the folders
# cmake/layers.cmake says it may include, plus EXTERNAL packages. A folder
# allowed LibTorch gets its headers as SYSTEM includes and compiles them once,
# as a precompiled header shared by every such library (ARTS_TORCH_PCH).
include(${CMAKE_CURRENT_LIST_DIR}/layers.cmake)

function(arts_folder_library folder)
  cmake_parse_arguments(A "" "" "SOURCES;EXTERNAL" ${ARGN})
  arts_layer_target("${folder}" target)
  arts_find_layer("${folder}" L)
  add_library(${target} STATIC ${A_SOURCES})
  target_include_directories(${target} PUBLIC ${ARTS_SOURCE_DIR})
  target_compile_options(${target} PRIVATE ${ARTS_WARNINGS})
  foreach(dep IN LISTS L_DEPS)
    arts_layer_target("${dep}" dep_target)
    target_link_libraries(${target} PUBLIC ${dep_target})
  endforeach()
  target_link_libraries(${target} PUBLIC ${A_EXTERNAL})
  if(L_TORCH)
    arts_use_torch(${target})
  endif()
  add_dependencies(${target} arts_layer_check)
endfunction()

# Whether `file` includes LibTorch, itself or through the project's headers
# it includes ("folder/name.h" under ARTS_SOURCE_DIR). Memoized per file.
function(arts_includes_torch file out)
  get_property(known GLOBAL PROPERTY "ARTS_INCLUDES_TORCH:${file}" SET)
  if(known)
    get_property(result GLOBAL PROPERTY "ARTS_INCLUDES_TORCH:${file}")
    set(${out} ${result} PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL PROPERTY "ARTS_INCLUDES_TORCH:${file}" OFF)  # cycles
  set(result OFF)
  file(STRINGS "${file}" lines REGEX "^#include")
  foreach(line IN LISTS lines)
    if(line MATCHES "^#include <(torch|ATen|c10)/")
      set(result ON)
    elseif(line MATCHES "^#include \"([^\"]+)\"")
      # ${} expands before MATCHES runs, so the match is read only here.
      set(included "${ARTS_SOURCE_DIR}/${CMAKE_MATCH_1}")
      if(EXISTS "${included}")
        arts_includes_torch("${included}" nested)
        if(nested)
          set(result ON)
        endif()
      endif()
    endif()
    if(result)
      break()
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY "ARTS_INCLUDES_TORCH:${file}" ${result})
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# LibTorch for `target`: SYSTEM headers, the libraries, and the shared
# precompiled header. The first target to ask builds it; the others reuse
# it, so LibTorch's headers are parsed once per build, not once per file.
# Loading the 570 MB header costs about 12 s a file (measured), so the
# target's sources that never include LibTorch skip it. Call after the
# target's sources are added.
function(arts_use_torch target)
  target_include_directories(${target} SYSTEM PUBLIC ${TORCH_INCLUDE_DIRS})
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
  if(NOT ARTS_TORCH_PCH)
    return()
  endif()
  get_property(pch_owner GLOBAL PROPERTY ARTS_TORCH_PCH_OWNER)
  if(pch_owner)
    target_precompile_headers(${target} REUSE_FROM ${pch_owner})
  else()
    target_precompile_headers(${target} PRIVATE <torch/torch.h>)
    set_property(GLOBAL PROPERTY ARTS_TORCH_PCH_OWNER ${target})
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  foreach(source IN LISTS sources)
    get_filename_component(path "${source}" ABSOLUTE BASE_DIR "${source_dir}")
    if(NOT path MATCHES "\\.cc$" OR NOT EXISTS "${path}")
      continue()
    endif()
    arts_includes_torch("${path}" needs_torch)
    if(NOT needs_torch)
      set_source_files_properties("${source}" PROPERTIES
                                  SKIP_PRECOMPILE_HEADERS ON)
    endif()
  endforeach()
endfunction()
