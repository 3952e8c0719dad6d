#include "client/cli/flag_groups.h"

#include <fstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/backend/default_task.h"
#include "core/io/default_paths.h"

ABSL_FLAG(std::vector<std::string>, problem, {"4 9 10 13 -> 24"},
          "problems, comma-separated ('4 9 10 13 -> 24,1 5 5 5 -> 24')");
ABSL_FLAG(std::string, prefix, "",
          "prefix steps separated by ';' (applies to every problem)");

ABSL_FLAG(std::string, address, "",
          "the service's address, host:port; empty: the command's default "
          "(loadtest: the target's port on 127.0.0.1, 50053, 50051 or "
          "50052; health: the orchestrator's, 127.0.0.1:50050)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30), "deadline of a call");
ABSL_FLAG(bool, wait_for_ready, false,
          "wait (within --timeout) for the server to come up (solve: and to "
          "finish starting)");

ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA that signs the server's certificate; set: connect with TLS "
          "(empty: plaintext)");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate, for servers that require one (mTLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert");
ABSL_FLAG(std::string, tls_server_name, "",
          "name the server's certificate must carry (empty: the address's "
          "host)");
ABSL_FLAG(std::string, token_file, "",
          "file whose first line is a bearer token for the orchestrator "
          "(sent as 'authorization: Bearer ...')");

ABSL_FLAG(uint64_t, seed, 1, "random seed");
ABSL_FLAG(double, temperature, 1.0, "sampling temperature (0 = greedy)");
ABSL_FLAG(double, top_p, 1.0, "nucleus sampling mass (1 = off)");
ABSL_FLAG(int, top_k, 0, "top-k sampling (0 = off)");
ABSL_FLAG(bool, constrained, false,
          "decode only legal steps (operands that are left)");

ABSL_FLAG(std::string, data, arts::io::DefaultGame24Path(),
          "path of shared/data/game24/24.csv");
ABSL_FLAG(std::string, split, "test",
          "train, validation (train-pool ranks 801-900, for tuning), test "
          "or tail");
ABSL_FLAG(int, limit, 0, "first N puzzles only (0 = all)");
ABSL_FLAG(std::string, puzzles, "",
          "a file of puzzles (one problem per line, e.g. a subset file of "
          "docs/results/rl/) to use instead of --split");
ABSL_FLAG(int, samples, 16,
          "traces per puzzle (eval-generator); N of best_of_n, votes and "
          "dvts (solve, eval)");

ABSL_FLAG(int64_t, max_tokens, -1,
          "sampled-token budget per tree (collect-trees; 0 or -1 = none) or "
          "per search (solve, eval; 0 = none, -1 = the strategy's default: "
          "256 for arts, none for the others)");

ABSL_FLAG(std::string, task, arts::backend::kDefaultTask,
          "the problems' task: countdown or text (docs/bring_your_own.md)");
ABSL_FLAG(std::string, problems_file, "",
          "problems with reference answers, a JSON Lines file of "
          "{\"problem\", \"answer\"} (docs/formats.md): solve: instead of "
          "--problem, and says how many top answers match; collect-trees "
          "--task text: the problems, whose answers reward the trees");
ABSL_FLAG(std::string, tree_out, "",
          "solve: write the tree each search grew here, as JSON "
          "(docs/formats.md, \"Search trees\"): one problem, one object; "
          "several, one per line; empty: none");
ABSL_FLAG(std::string, strategy, "arts",
          "best_of_n, weighted_vote, majority_vote, beam, arts or dvts");
ABSL_FLAG(int, beam_width, 4, "beam width B");
ABSL_FLAG(int, proposals, -1,
          "proposals k per expanded node (dvts: M); -1 = the strategy's "
          "default: 2 for arts, 4 for beam and dvts");
ABSL_FLAG(int, expand_width, 2, "arts: nodes expanded per round");
ABSL_FLAG(bool, flow_tilted, false,
          "arts: draw children in proportion to pi * F");
ABSL_FLAG(int, tilt_pool, 16, "arts: candidates drawn from pi before tilting");
ABSL_FLAG(std::string, aggregation, "last",
          "per-step score aggregation: last, min or mean");
ABSL_FLAG(int, top_n, 1, "answers to return");
ABSL_FLAG(int, stop_after_answers, 1,
          "arts: stop after this many answers with F >= 1/2 (or >= "
          "--stop_confidence when higher)");
ABSL_FLAG(double, stop_confidence, 0.5,
          "arts: the least F the best answer needs before 'best answer "
          "beats every open node' may end the search (0 = no threshold)");
ABSL_FLAG(int, max_expansions, 0, "expansion budget per search (0 = none)");
ABSL_FLAG(bool, allow_unverified, false,
          "fall back to best-of-N by log pi if the verifier is down");
ABSL_FLAG(std::string, orchestrator, "",
          "an Orchestrator service address; empty: 127.0.0.1:50050 for arts "
          "solve, and for arts-lab eval and solve a search in this process "
          "over --model and --verifier_model");

namespace arts::cli {

TraceOptions ReadTraceOptions(FlagReader& flags) {
  TraceOptions options;
  options.task = flags(FLAGS_task);
  options.problems = flags(FLAGS_problem);
  if (const std::string prefix = flags(FLAGS_prefix); !prefix.empty()) {
    options.prefix = absl::StrSplit(prefix, ';');
  }
  return options;
}

backends::CallSettings ConnectionOptions::CallSettings() const {
  backends::CallSettings settings = backends::CallSettings::Within(timeout);
  settings.wait_for_ready = wait_for_ready;
  return settings;
}

ConnectionOptions ReadConnectionOptions(FlagReader& flags) {
  ConnectionOptions options;
  options.timeout = flags(FLAGS_timeout);
  options.wait_for_ready = flags(FLAGS_wait_for_ready);
  return options;
}

backends::ChannelSecurity ReadChannelSecurity(FlagReader& flags) {
  backends::ChannelSecurity security;
  security.ca_file = flags(FLAGS_tls_ca);
  security.cert_file = flags(FLAGS_tls_cert);
  security.key_file = flags(FLAGS_tls_key);
  security.server_name = flags(FLAGS_tls_server_name);
  return security;
}

OrchestratorSecurity ReadOrchestratorSecurity(FlagReader& flags) {
  OrchestratorSecurity security;
  security.channel = ReadChannelSecurity(flags);
  security.token_file = flags(FLAGS_token_file);
  return security;
}

absl::StatusOr<std::string> ReadBearerToken(const std::string& token_file) {
  if (token_file.empty()) return std::string();
  std::ifstream in(token_file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--token_file=", token_file, ": cannot read a token from it"));
  }
  const std::string token(absl::StripAsciiWhitespace(line));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--token_file=", token_file, ": its first line is empty"));
  }
  return token;
}

arts::v1::SamplingParams ReadSamplingParams(FlagReader& flags) {
  arts::v1::SamplingParams sampling;
  sampling.set_seed(flags(FLAGS_seed));
  sampling.set_constrained(flags(FLAGS_constrained));
  sampling.set_temperature(flags(FLAGS_temperature));
  sampling.set_top_p(flags(FLAGS_top_p));
  sampling.set_top_k(flags(FLAGS_top_k));
  return sampling;
}

}  // namespace arts::cli
