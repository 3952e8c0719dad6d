// libFuzzer target: the bearer-token file and the authorization header.
// Input: the token file's bytes, a NUL, then the header's value. A file
// must load or give an error naming the flag; a header must be accepted,
// refused as UNAUTHENTICATED or refused as PERMISSION_DENIED.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "server/bearer_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/dev/shm/arts_bearer_fuzz." + std::to_string(getpid());
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string tokens = input.substr(0, nul);
  const std::string header =
      nul == std::string::npos ? "" : input.substr(nul + 1);
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(tokens.data(), 1, tokens.size(), file);
  std::fclose(file);
  absl::StatusOr<std::unique_ptr<arts::server::BearerAuth>> auth =
      arts::server::BearerAuth::FromFile(path);
  if (!auth.ok()) return 0;
  std::multimap<grpc::string_ref, grpc::string_ref> metadata;
  if (nul != std::string::npos) metadata.emplace("authorization", header);
  const grpc::Status status = (*auth)->CheckMetadata(metadata);
  if (!status.ok() &&
      status.error_code() != grpc::StatusCode::UNAUTHENTICATED &&
      status.error_code() != grpc::StatusCode::PERMISSION_DENIED) {
    __builtin_trap();
  }
  return 0;
}
