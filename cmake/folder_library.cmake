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

# LibTorch for `target`: SYSTEM headers, the libraries, and the shared
# precompiled header. The first target to ask builds it; the others reuse
# it, so LibTorch's headers are parsed once per build, not once per file.
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
endfunction()
