#ifndef ARTS_SERVER_BEARER_AUTH_H_
#define ARTS_SERVER_BEARER_AUTH_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace arts::server {

// The bearer tokens a server accepts, read from a file: one token per line,
// blank lines and lines starting with '#' ignored. The file is re-read when
// it changes (its inode, size or modification time), so tokens rotate
// without a restart; a Kubernetes Secret mounted as a volume changes this
// way. A change that leaves the file unreadable or without tokens is
// ignored, with a warning, and the previous tokens stay in force.
class BearerAuth {
 public:
  // Errors (InvalidArgument) name --auth_tokens_file and say what to fix.
  static absl::StatusOr<std::unique_ptr<BearerAuth>> FromFile(
      const std::string& path);

  // OK when `call` carries "authorization: Bearer <token>" with a current
  // token; UNAUTHENTICATED when it carries none; PERMISSION_DENIED when the
  // token is not one of them.
  grpc::Status Check(const grpc::ServerContextBase& call);
  // The same check of a call's metadata.
  grpc::Status CheckMetadata(
      const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

 private:
  struct FileStamp {
    ino_t inode = 0;
    off_t size = 0;
    timespec modified = {};
    bool operator==(const FileStamp& other) const;
  };

  explicit BearerAuth(std::string path) : path_(std::move(path)) {}
  // Re-reads the file if its stamp changed.
  void ReloadIfChanged() ABSL_LOCKS_EXCLUDED(mu_);
  bool Accepts(const std::string& token) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  std::vector<std::string> tokens_ ABSL_GUARDED_BY(mu_);
  FileStamp stamp_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arts::server

#endif  // ARTS_SERVER_BEARER_AUTH_H_
