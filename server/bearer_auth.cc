#include "server/bearer_auth.h"

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace arts::server {
namespace {

absl::StatusOr<std::vector<std::string>> ReadTokens(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_tokens_file=", path, ": cannot read the file"));
  }
  std::vector<std::string> tokens;
  std::string line;
  while (std::getline(in, line)) {
    const std::string token(absl::StripAsciiWhitespace(line));
    if (token.empty() || token[0] == '#') continue;
    tokens.push_back(token);
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth_tokens_file=", path,
                     ": holds no token (one per line; '#' starts a comment)"));
  }
  return tokens;
}

// Equal strings, in time that depends only on their lengths, so that the
// time a refusal takes tells nothing of how much of a token was right.
bool ConstantTimeEqual(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

bool BearerAuth::FileStamp::operator==(const FileStamp& other) const {
  return inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec &&
         modified.tv_nsec == other.modified.tv_nsec;
}

absl::StatusOr<std::unique_ptr<BearerAuth>> BearerAuth::FromFile(
    const std::string& path) {
  std::unique_ptr<BearerAuth> auth(new BearerAuth(path));
  absl::StatusOr<std::vector<std::string>> tokens = ReadTokens(path);
  if (!tokens.ok()) return tokens.status();
  absl::MutexLock lock(&auth->mu_);
  auth->tokens_ = *std::move(tokens);
  struct stat info {};
  if (stat(path.c_str(), &info) == 0) {
    auth->stamp_ = {info.st_ino, info.st_size, info.st_mtim};
  }
  return auth;
}

void BearerAuth::ReloadIfChanged() {
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0) return;  // gone for now: keep tokens
  const FileStamp stamp = {info.st_ino, info.st_size, info.st_mtim};
  absl::MutexLock lock(&mu_);
  if (stamp == stamp_) return;
  stamp_ = stamp;
  absl::StatusOr<std::vector<std::string>> tokens = ReadTokens(path_);
  if (!tokens.ok()) {
    std::cerr << "arts: warning: keeping the previous tokens: "
              << tokens.status().message() << std::endl;
    return;
  }
  tokens_ = *std::move(tokens);
}

bool BearerAuth::Accepts(const std::string& token) {
  absl::MutexLock lock(&mu_);
  bool accepted = false;
  for (const std::string& t : tokens_) accepted |= ConstantTimeEqual(t, token);
  return accepted;
}

grpc::Status BearerAuth::Check(const grpc::ServerContextBase& call) {
  return CheckMetadata(call.client_metadata());
}

grpc::Status BearerAuth::CheckMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "this server needs a bearer token: send the header "
                        "'authorization: Bearer <token>' (arts: --token_file)");
  }
  const std::string value(header->second.data(), header->second.size());
  constexpr absl::string_view kScheme = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "the authorization header must be 'Bearer <token>'");
  }
  ReloadIfChanged();
  if (!Accepts(std::string(absl::StripAsciiWhitespace(
          absl::string_view(value).substr(kScheme.size()))))) {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        "the bearer token is not one this server accepts");
  }
  return grpc::Status::OK;
}

}  // namespace arts::server
