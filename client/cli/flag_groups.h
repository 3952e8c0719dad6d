#ifndef ARTS_CLIENT_CLI_FLAG_GROUPS_H_
#define ARTS_CLIENT_CLI_FLAG_GROUPS_H_

// The flags that more than one `arts` or `arts-lab` command reads, each
// defined once (flag_groups.cc), with a reader per group that fills a typed
// value. A command's own flags live in its *_command.cc; it takes exactly
// the flags its options parser reads (flag_reader.h), these included.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/generator.pb.h"
#include "backends/grpc/channel.h"
#include "client/cli/flag_reader.h"

// Traces given on the command line: generate, score, solve.
ABSL_DECLARE_FLAG(std::vector<std::string>, problem);
ABSL_DECLARE_FLAG(std::string, prefix);

// Calling a service.
ABSL_DECLARE_FLAG(std::string, address);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(bool, wait_for_ready);

// TLS and the bearer token.
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_server_name);
ABSL_DECLARE_FLAG(std::string, token_file);

// Sampling from the generator.
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(double, temperature);
ABSL_DECLARE_FLAG(double, top_p);
ABSL_DECLARE_FLAG(int, top_k);
ABSL_DECLARE_FLAG(bool, constrained);

// The Game-of-24 data and the split an evaluation runs.
ABSL_DECLARE_FLAG(std::string, data);
ABSL_DECLARE_FLAG(std::string, split);
ABSL_DECLARE_FLAG(int, limit);
ABSL_DECLARE_FLAG(std::string, puzzles);
ABSL_DECLARE_FLAG(int, samples);

// The token budget: of a search, or of a tree (arts-lab collect-trees).
ABSL_DECLARE_FLAG(int64_t, max_tokens);

// A search: solve, eval and loadtest.
ABSL_DECLARE_FLAG(std::string, task);
ABSL_DECLARE_FLAG(std::string, problems_file);
ABSL_DECLARE_FLAG(std::string, tree_out);
ABSL_DECLARE_FLAG(std::string, strategy);
ABSL_DECLARE_FLAG(int, beam_width);
ABSL_DECLARE_FLAG(int, proposals);
ABSL_DECLARE_FLAG(int, expand_width);
ABSL_DECLARE_FLAG(bool, flow_tilted);
ABSL_DECLARE_FLAG(int, tilt_pool);
ABSL_DECLARE_FLAG(std::string, aggregation);
ABSL_DECLARE_FLAG(int, top_n);
ABSL_DECLARE_FLAG(int, stop_after_answers);
ABSL_DECLARE_FLAG(double, stop_confidence);
ABSL_DECLARE_FLAG(int, max_expansions);
ABSL_DECLARE_FLAG(bool, allow_unverified);
ABSL_DECLARE_FLAG(std::string, orchestrator);

namespace arts::cli {

// The traces given on the command line (generate, score): --task, --problem
// (the problems, in order) and --prefix (split at ';').
struct TraceOptions {
  std::string task;
  std::vector<std::string> problems;
  std::vector<std::string> prefix;
};
TraceOptions ReadTraceOptions(FlagReader& flags);

// --timeout and --wait_for_ready.
struct ConnectionOptions {
  absl::Duration timeout = absl::Seconds(30);
  bool wait_for_ready = false;

  // A call within the timeout, waiting for the server when asked.
  backends::CallSettings CallSettings() const;
};
ConnectionOptions ReadConnectionOptions(FlagReader& flags);

// --tls_ca, --tls_cert, --tls_key and --tls_server_name: plaintext without
// a CA.
backends::ChannelSecurity ReadChannelSecurity(FlagReader& flags);

// What calling the Orchestrator takes: TLS and --token_file.
struct OrchestratorSecurity {
  backends::ChannelSecurity channel;
  std::string token_file;  // "": no bearer token
};
OrchestratorSecurity ReadOrchestratorSecurity(FlagReader& flags);

// The bearer token in `token_file` (its first line, trimmed); "" for no
// file. Errors name --token_file.
absl::StatusOr<std::string> ReadBearerToken(const std::string& token_file);

// --seed, --temperature, --top_p, --top_k and --constrained as a request's
// sampling parameters.
arts::v1::SamplingParams ReadSamplingParams(FlagReader& flags);

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_FLAG_GROUPS_H_
