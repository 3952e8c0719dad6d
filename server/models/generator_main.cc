// arts-generator: serves the frozen base model as arts.v1.Generator, or
// forwards to an OpenAI-compatible completions server (--openai_url).
#include <fstream>
#include <map>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "backends/openai/openai_policy.h"
#include "core/io/default_paths.h"
#include "core/io/read_file.h"
#include "core/model/generator.h"
#include "server/connection_flags.h"
#include "server/models/generator_service.h"
#include "server/models/threads_flag.h"
#include "server/rpc_metrics.h"
#include "server/server_main.h"
#include "server/server_runner.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9091",
          "Prometheus /metrics address, host:port; empty disables");
ABSL_FLAG(std::string, model, arts::io::DefaultModelPath("generator.ckpt"),
          "generator checkpoint");
ABSL_FLAG(int, threads, 1,
          "CPU threads for LibTorch inside one batch (small batches are "
          "overhead-bound; see docs/BENCHMARKS.md)");
ABSL_FLAG(int, max_rows_per_step, 256,
          "rows (candidates of all calls) that share a decode step; each "
          "holds a slot of keys and values, about 1.3 MB with the bundled "
          "model. At least 64, the most candidates of one prefix");
ABSL_FLAG(int, max_queue, 256,
          "Propose calls that may wait for rows; one more gets "
          "RESOURCE_EXHAUSTED with retry pushback");
ABSL_FLAG(absl::Duration, max_queue_wait, absl::Seconds(10),
          "longest a Propose call may wait for rows; past it, it gets "
          "RESOURCE_EXHAUSTED with retry pushback (load shedding)");
ABSL_FLAG(bool, prefix_cache, true,
          "keep finished candidates' keys and values in idle row slots, so "
          "that the next round's prefixes, which extend them, prefill only "
          "their new tokens; --noprefix_cache prefills every prefix whole");
ABSL_FLAG(std::string, openai_url, "",
          "instead of --model: forward every Propose to this OpenAI-compatible "
          "completions API (vLLM, llama.cpp's server, TGI, SGLang), e.g. "
          "http://127.0.0.1:8000/v1; serves the text task "
          "(docs/generator.md)");
ABSL_FLAG(std::string, openai_model, "",
          "with --openai_url: the served model's name, sent as \"model\"");
ABSL_FLAG(std::string, openai_api_key_file, "",
          "with --openai_url: a file holding the API key, sent as a bearer "
          "token; empty: none");
ABSL_FLAG(std::string, openai_ca_file, "",
          "with an https --openai_url: CA certificates (PEM) to trust; "
          "empty: the system's");
ABSL_FLAG(std::string, openai_delimiter, "\\n",
          "with --openai_url: one step is the text up to this delimiter "
          "(C escapes allowed)");
ABSL_FLAG(std::string, openai_answer_regex, R"((?i)answer:\s*(.+))",
          "with --openai_url: a step matching this RE2 pattern ends the "
          "trace; its capturing group is the final answer");
ABSL_FLAG(std::string, openai_prompt_prefix_file, "",
          "with --openai_url: text put before every problem (instructions, "
          "worked examples); empty: none");
ABSL_FLAG(int, openai_max_step_tokens, 256,
          "with --openai_url: a step that has not ended after this many "
          "tokens is invalid");
ABSL_FLAG(int, openai_max_trace_tokens, 2048,
          "with --openai_url: tokens for the rest of a trace when a search "
          "asks for whole traces (max_steps 0)");
ABSL_FLAG(int, openai_max_connections, 64,
          "with --openai_url: HTTP connections open at once; more requests "
          "wait for one");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");

namespace {

// The whole of `path`, or an error that names `flag`.
absl::StatusOr<std::string> ReadFlagFile(const std::string& flag,
                                         const std::string& path) {
  absl::StatusOr<std::string> bytes = arts::io::ReadWholeFile(path);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", bytes.status().message()));
  }
  return bytes;
}

// The OpenAI-compatible backend the --openai_* flags describe; errors name
// the flag.
absl::StatusOr<std::unique_ptr<arts::backends::openai::OpenAiPolicy>>
OpenAiPolicyFromFlags() {
  arts::backends::openai::OpenAiOptions o;
  o.url = absl::GetFlag(FLAGS_openai_url);
  o.model = absl::GetFlag(FLAGS_openai_model);
  o.ca_file = absl::GetFlag(FLAGS_openai_ca_file);
  o.answer_regex = absl::GetFlag(FLAGS_openai_answer_regex);
  o.max_step_tokens = absl::GetFlag(FLAGS_openai_max_step_tokens);
  o.max_trace_tokens = absl::GetFlag(FLAGS_openai_max_trace_tokens);
  o.max_connections = absl::GetFlag(FLAGS_openai_max_connections);
  std::string error;
  if (!absl::CUnescape(absl::GetFlag(FLAGS_openai_delimiter), &o.delimiter,
                       &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--openai_delimiter: ", error));
  }
  if (const std::string path = absl::GetFlag(FLAGS_openai_api_key_file);
      !path.empty()) {
    absl::StatusOr<std::string> key =
        ReadFlagFile("--openai_api_key_file", path);
    if (!key.ok()) return key.status();
    o.api_key = std::string(absl::StripAsciiWhitespace(*key));
  }
  if (const std::string path = absl::GetFlag(FLAGS_openai_prompt_prefix_file);
      !path.empty()) {
    absl::StatusOr<std::string> prefix =
        ReadFlagFile("--openai_prompt_prefix_file", path);
    if (!prefix.ok()) return prefix.status();
    o.prompt_prefix = *std::move(prefix);
  }
  if (!o.ca_file.empty() && !std::ifstream(o.ca_file)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--openai_ca_file: cannot read '", o.ca_file, "'"));
  }
  auto policy = arts::backends::openai::OpenAiPolicy::Make(std::move(o));
  if (!policy.ok()) {
    // Each option is named as its flag: url -> --openai_url.
    return absl::InvalidArgumentError(
        absl::StrCat("--openai_", policy.status().message()));
  }
  return policy;
}

}  // namespace

int main(int argc, char** argv) {
  arts::server::BlockShutdownSignals();
  arts::server::SetServerUsage(
      "arts-generator", "arts-generator [--flags]: the Generator service");
  absl::ParseCommandLine(argc, argv);
  arts::server::ServerFlags flags;
  flags.listen = absl::GetFlag(FLAGS_listen);
  flags.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  flags.model = absl::GetFlag(FLAGS_model);
  const int threads = absl::GetFlag(FLAGS_threads);
  flags.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  flags.service_name = arts::v1::Generator::service_full_name();
  flags.connection = arts::server::ConnectionOptionsFromFlags();
  arts::server::GeneratorService::Options options;
  options.max_rows = absl::GetFlag(FLAGS_max_rows_per_step);
  options.queue.max_queue = absl::GetFlag(FLAGS_max_queue);
  options.queue.max_wait = absl::GetFlag(FLAGS_max_queue_wait);
  options.prefix_cache = absl::GetFlag(FLAGS_prefix_cache);
  const bool openai = !absl::GetFlag(FLAGS_openai_url).empty();
  std::unique_ptr<arts::backends::openai::OpenAiPolicy> openai_policy;
  if (openai) {
    flags.model = absl::GetFlag(FLAGS_openai_url);
    flags.model_flag = "--openai_url";
  }
  flags.check_flags = [&options, threads, openai,
                       &openai_policy]() -> absl::Status {
    if (openai) {
      auto policy = OpenAiPolicyFromFlags();
      if (!policy.ok()) return policy.status();
      openai_policy = *std::move(policy);
    }
    if (absl::Status s = arts::server::CheckFlagRange(
            "--max_rows_per_step", options.max_rows,
            arts::backend::kMaxCandidates, 4096);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = arts::server::CheckFlagRange(
            "--max_queue", options.queue.max_queue, 1, 100000);
        !s.ok()) {
      return s;
    }
    if (options.queue.max_wait <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--max_queue_wait: must be positive");
    }
    return arts::server::ApplyThreadsFlag(threads);
  };
  arts::server::RpcMetrics metrics("generator");
  arts::server::GeneratorService service(metrics, options);
  return arts::server::RunServerMain(
      "arts-generator", flags, metrics, service,
      [&service,
       &openai_policy](const std::string& path) -> absl::StatusOr<int64_t> {
        if (openai_policy != nullptr) {
          const std::string model = openai_policy->options().model;
          service.SetPolicy(
              std::move(openai_policy), path,
              {{"backend", "openai-completions"}, {"model", model}});
          return 0;
        }
        auto generator = arts::model::Generator::Load(path);
        if (!generator.ok()) return generator.status();
        const int64_t num_parameters = (*generator)->num_parameters();
        service.SetModel(*std::move(generator), path);
        return num_parameters;
      });
}
