#ifndef ARTS_CLIENT_CLI_FLAG_GROUPS_H_
#define ARTS_CLIENT_CLI_FLAG_GROUPS_H_

// The flags that more than one `arts` command reads, in groups, each defined
// once (flag_groups.cc). A command's own flags live in its *_command.cc; a
// command lists the shared flags it reads in its entry in main.cc, and
// accepts no others (`arts COMMAND --help` prints exactly that set).

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "arts/v1/generator.pb.h"
#include "backends/grpc/channel.h"

// Traces given on the command line: generate, score, solve.
ABSL_DECLARE_FLAG(std::vector<std::string>, problem);
ABSL_DECLARE_FLAG(std::string, prefix);

// Calling a service: generate, score, solve, eval.
ABSL_DECLARE_FLAG(std::string, address);
ABSL_DECLARE_FLAG(absl::Duration, timeout);
ABSL_DECLARE_FLAG(bool, wait_for_ready);

// TLS and the bearer token: generate, score, solve, eval, loadtest.
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

// A search: solve and eval.
ABSL_DECLARE_FLAG(std::string, task);
ABSL_DECLARE_FLAG(std::string, problems_file);
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

// The groups by flag name, for the commands' entries in main.cc.
using FlagNames = std::vector<std::string>;  // also command_flags.h's
extern const FlagNames kTraceFlags;
extern const FlagNames kConnectionFlags;
extern const FlagNames kSecurityFlags;
extern const FlagNames kSamplingFlags;
// The sampling flags a search reads (it has no top-k).
extern const FlagNames kSearchSamplingFlags;
extern const FlagNames kSplitFlags;
extern const FlagNames kSearchFlags;

// --seed, --temperature, --top_p, --top_k and --constrained as a request's
// sampling parameters.
arts::v1::SamplingParams SamplingParamsFromFlags();

// A channel to `address` secured as --tls_ca, --tls_cert, --tls_key and
// --tls_server_name say (plaintext without --tls_ca); errors name the flag.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelFromFlags(
    const std::string& address);

// The bearer token in --token_file (its first line, trimmed); "" when the
// flag is empty. Errors name the flag.
absl::StatusOr<std::string> BearerTokenFromFlags();

// A call within --timeout, waiting for the server with --wait_for_ready.
backends::CallSettings ConnectionSettings();

}  // namespace arts::cli

#endif  // ARTS_CLIENT_CLI_FLAG_GROUPS_H_
