# The layers of the architecture (docs/ARCHITECTURE.md), in one table: each
# folder, the folders its files may include, and whether it may include
# LibTorch. Every folder but tests/ is one CMake library built from this
# table (arts_folder_library), linked to the libraries of exactly the folders
# it may include, and cmake/check_layers.cmake checks every #include of every
# file against it on each build: an upward include, an undeclared one or a
# cycle fails the build.
#
# Entry: "folder|torch-or-empty|folder folder ...".
set(ARTS_LAYERS
  "proto||"
  "core/io||"
  "core/countdown||core/io"
  "core/task||core/countdown"
  "core/backend||"
  "core/text||"
  "core/search||core/backend core/task"
  "core/model|torch|core/backend core/countdown core/io"
  "core/verifier|torch|core/backend core/countdown core/io core/model core/task core/text"
  "core/serving|torch|core/backend core/countdown core/model core/verifier"
  "core/training|torch|core/countdown core/eval core/io core/model core/text core/verifier"
  "core/eval|torch|core/backend core/countdown core/io core/model core/search core/task core/verifier"
  "backends/local|torch|core/backend core/countdown core/model core/serving core/verifier"
  "backends/grpc||proto core/backend core/search"
  "backends/openai||core/backend core/task"
  "server/http||"
  "server/openai||proto core/backend core/search backends/grpc server/http"
  "server||proto core/backend core/search backends/grpc server/http server/openai"
  "server/models|torch|proto core/backend core/countdown core/io core/model core/search core/serving core/verifier backends/grpc backends/local backends/openai server"
  "client||proto core/backend core/search backends/grpc"
  "client/cli||proto core/backend core/countdown core/io core/search core/task backends/grpc client"
  "client/lab|torch|proto core/backend core/countdown core/eval core/io core/model core/search core/task core/training core/verifier backends/grpc backends/local client client/cli"
)

# The CMake target of a folder: core/search -> arts_core_search.
function(arts_layer_target folder out)
  string(REPLACE "/" "_" name "${folder}")
  set(${out} "arts_${name}" PARENT_SCOPE)
endfunction()

# Parses one entry of ARTS_LAYERS into <prefix>_FOLDER, _TORCH, _DEPS.
function(arts_parse_layer entry prefix)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 folder)
  list(GET parts 1 torch)
  list(GET parts 2 deps)
  separate_arguments(deps)
  set(${prefix}_FOLDER "${folder}" PARENT_SCOPE)
  set(${prefix}_TORCH "${torch}" PARENT_SCOPE)
  set(${prefix}_DEPS "${deps}" PARENT_SCOPE)
endfunction()

# The entry of `folder`, parsed into <prefix>_*; fatal if it has none.
function(arts_find_layer folder prefix)
  foreach(entry IN LISTS ARTS_LAYERS)
    arts_parse_layer("${entry}" L)
    if(L_FOLDER STREQUAL folder)
      set(${prefix}_TORCH "${L_TORCH}" PARENT_SCOPE)
      set(${prefix}_DEPS "${L_DEPS}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "cmake/layers.cmake has no entry for ${folder}")
endfunction()
