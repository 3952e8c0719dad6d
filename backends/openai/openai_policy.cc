#include "backends/openai/openai_policy.h"

#include <atomic>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "backends/openai/choice_steps.h"
#include "backends/openai/completions_api.h"
#include "core/task/text_task.h"

namespace arts::backends::openai {
namespace {

absl::Status OptionError(absl::string_view option, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(option, ": ", why));
}

// A seed for each request of a call, from the call's seed, what the request
// continues and `salt` (which prefix and candidate), stable across runs and
// processes (FNV-1a).
uint64_t RequestSeed(uint64_t seed, absl::string_view prompt, uint64_t salt) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : prompt) h = (h ^ c) * 0x100000001b3ULL;
  h = (h ^ salt) * 0x100000001b3ULL;
  return h >> 1;  // some servers read the seed as a signed 64-bit integer
}

// The status of a non-200 reply, by the HTTP status's meaning.
absl::Status HttpError(long status, absl::string_view body) {  // NOLINT
  const std::string message =
      absl::StrCat("openai: HTTP ", status,
                   " from the completions server: ", ErrorMessageOf(body));
  switch (status) {
    case 400:
    case 422:
      return absl::InvalidArgumentError(message);
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    case 408:
    case 504:
      return absl::DeadlineExceededError(message);
    case 429:
      return absl::ResourceExhaustedError(message);
    default:
      return status >= 500 ? absl::UnavailableError(message)
                           : absl::UnknownError(message);
  }
}

}  // namespace

// One Propose: its requests, the candidates they grow, and the one on_done.
// Shared by the requests' callbacks, which all run on the HttpClient's loop
// thread, so its state needs no lock once Start has sent the requests.
class OpenAiPolicy::ProposeCall
    : public std::enable_shared_from_this<ProposeCall> {
 public:
  ProposeCall(OpenAiPolicy& policy, const backend::ProposeRequest& request,
              const backend::CallContext& call,
              std::function<void(backend::Candidate)> on_candidate,
              std::function<void(absl::Status)> on_done)
      : policy_(policy),
        request_(request),
        call_(call),
        on_candidate_(std::move(on_candidate)),
        on_done_(std::move(on_done)) {}

  void Start() {
    const std::vector<std::vector<std::string>> prefixes =
        backend::PrefixesOf(request_);
    outstanding_ = static_cast<int>(prefixes.size());
    for (size_t p = 0; p < prefixes.size(); ++p) {
      SendFirst(static_cast<int>(p), prefixes[p]);
    }
  }

 private:
  std::string Prompt(const std::vector<std::string>& steps) const {
    const OpenAiOptions& o = policy_.options_;
    std::string prompt =
        absl::StrCat(o.prompt_prefix, request_.problem, o.delimiter);
    for (const std::string& step : steps) {
      absl::StrAppend(&prompt, step, o.delimiter);
    }
    return prompt;
  }

  CompletionRequest Completion(const std::vector<std::string>& steps, int n,
                               uint64_t salt) const {
    const OpenAiOptions& o = policy_.options_;
    CompletionRequest c;
    c.model = o.model;
    c.prompt = Prompt(steps);
    c.n = n;
    c.temperature = request_.sampling.temperature;
    c.top_p = request_.sampling.top_p;
    c.top_k = request_.sampling.top_k;
    c.seed = RequestSeed(request_.sampling.seed, c.prompt, salt);
    if (request_.max_steps == 0) {
      c.max_tokens = o.max_trace_tokens;
    } else {
      c.max_tokens = o.max_step_tokens;
      c.stop = {o.delimiter};
    }
    return c;
  }

  void Send(const CompletionRequest& completion,
            std::function<void(CompletionResponse)> on_response) {
    const OpenAiOptions& o = policy_.options_;
    HttpRequest http;
    http.url = absl::StrCat(o.url, "/completions");
    http.body = ToJson(completion);
    if (!o.api_key.empty()) {
      http.headers.push_back(absl::StrCat("Authorization: Bearer ", o.api_key));
    }
    http.deadline = call_.deadline;
    auto self = shared_from_this();
    http.cancelled = [self] {
      return self->failed_.load() || self->call_.is_cancelled();
    };
    const int n = completion.n;
    policy_.http_.Post(std::move(http),
                       [self, n, on_response = std::move(on_response)](
                           absl::StatusOr<HttpResponse> reply) {
                         absl::StatusOr<CompletionResponse> response =
                             self->Read(std::move(reply), n);
                         if (!response.ok()) {
                           self->Fail(response.status());
                           return;
                         }
                         if (!self->failed_.load())
                           on_response(*std::move(response));
                         self->EndRequest();
                       });
  }

  absl::StatusOr<CompletionResponse> Read(absl::StatusOr<HttpResponse> reply,
                                          int n) const {
    if (!reply.ok()) {
      if (reply.status().code() == absl::StatusCode::kCancelled &&
          !call_.is_cancelled() && call_.expired()) {
        return absl::DeadlineExceededError("openai: the deadline passed");
      }
      return absl::Status(reply.status().code(),
                          absl::StrCat("openai: ", reply.status().message()));
    }
    if (reply->status != 200) return HttpError(reply->status, reply->body);
    absl::StatusOr<CompletionResponse> response =
        ParseCompletionResponse(reply->body);
    if (!response.ok()) return response.status();
    if (static_cast<int>(response->choices.size()) != n) {
      return absl::InternalError(absl::StrCat(
          "openai: asked for ", n, " choices, got ", response->choices.size()));
    }
    for (const CompletionChoice& choice : response->choices) {
      if (choice.index < 0 || choice.index >= n) {
        return absl::InternalError(absl::StrCat(
            "openai: choice index ", choice.index, " is not 0 to ", n - 1));
      }
    }
    return response;
  }

  // The tokens of each choice when the server sent no logprobs: the usage's
  // completion tokens, shared out.
  static int64_t TokensOf(const CompletionResponse& response, size_t i) {
    const int64_t n = static_cast<int64_t>(response.choices.size());
    const int64_t share = response.completion_tokens / n;
    return share + (static_cast<int64_t>(i) < response.completion_tokens % n);
  }

  StepText Rule() const {
    const OpenAiOptions& o = policy_.options_;
    return StepText{o.delimiter, &policy_.answers_, o.max_step_tokens,
                    o.max_trace_tokens};
  }

  void SendFirst(int p, const std::vector<std::string>& prefix) {
    // The prefix's place salts its seed: two equal prefixes of one call
    // (siblings a tree sampled alike) still draw different candidates.
    const uint64_t salt = static_cast<uint64_t>(p + 1) << 32;
    Send(Completion(prefix, request_.num_candidates, salt),
         [this, p, prefix](CompletionResponse response) {
           for (size_t i = 0; i < response.choices.size(); ++i) {
             const CompletionChoice& choice = response.choices[i];
             backend::Candidate c;
             c.prefix_index = p;
             c.index = choice.index;
             if (request_.max_steps == 0) {
               ReadWholeTrace(choice, TokensOf(response, i), Rule(), c);
               on_candidate_(std::move(c));
             } else {
               AppendStep(choice, TokensOf(response, i), Rule(), c);
               Continue(prefix, std::move(c));
             }
           }
         });
  }

  // Emits `c`, or asks for its next step (one request, n = 1).
  void Continue(const std::vector<std::string>& prefix, backend::Candidate c) {
    if (!c.valid || c.terminal ||
        static_cast<int>(c.steps.size()) >= request_.max_steps) {
      on_candidate_(std::move(c));
      return;
    }
    std::vector<std::string> steps = prefix;
    steps.insert(steps.end(), c.steps.begin(), c.steps.end());
    ++outstanding_;
    const uint64_t salt = (static_cast<uint64_t>(c.prefix_index + 1) << 32) +
                          static_cast<uint64_t>(c.index) + 1 +
                          (static_cast<uint64_t>(c.steps.size()) << 16);
    Send(Completion(steps, 1, salt),
         [this, prefix, c = std::move(c)](CompletionResponse response) mutable {
           AppendStep(response.choices[0], TokensOf(response, 0), Rule(), c);
           Continue(prefix, std::move(c));
         });
  }

  void EndRequest() {
    if (--outstanding_ == 0 && !failed_.load()) Finish(absl::OkStatus());
  }

  void Fail(absl::Status status) {
    if (failed_.exchange(true)) return;  // the first error is the call's
    Finish(std::move(status));
  }

  void Finish(absl::Status status) {
    if (finished_) return;
    finished_ = true;
    on_done_(std::move(status));
  }

  OpenAiPolicy& policy_;
  const backend::ProposeRequest request_;
  const backend::CallContext call_;
  const std::function<void(backend::Candidate)> on_candidate_;
  const std::function<void(absl::Status)> on_done_;
  // Requests whose replies are still to come; a reply that asks for a next
  // step counts that request before its own ends.
  int outstanding_ = 0;
  bool finished_ = false;
  std::atomic<bool> failed_{false};  // read by the requests' cancel checks
};

absl::StatusOr<std::unique_ptr<OpenAiPolicy>> OpenAiPolicy::Make(
    OpenAiOptions options) {
  if (!absl::StartsWith(options.url, "http://") &&
      !absl::StartsWith(options.url, "https://")) {
    return OptionError(
        "url", absl::StrCat("must start with http:// or https://, got '",
                            options.url, "'"));
  }
  while (absl::EndsWith(options.url, "/")) options.url.pop_back();
  if (options.model.empty()) {
    return OptionError("model", "must name the served model");
  }
  if (options.delimiter.empty()) {
    return OptionError("delimiter", "must not be empty");
  }
  if (options.api_key.find_first_of("\r\n") != std::string::npos) {
    return OptionError("api_key", "must be one line");
  }
  if (options.max_step_tokens < 1 || options.max_step_tokens > 100000) {
    return OptionError(
        "max_step_tokens",
        absl::StrCat("must be 1 to 100000, got ", options.max_step_tokens));
  }
  if (options.max_trace_tokens < 1 || options.max_trace_tokens > 1000000) {
    return OptionError(
        "max_trace_tokens",
        absl::StrCat("must be 1 to 1000000, got ", options.max_trace_tokens));
  }
  if (options.max_connections < 1 || options.max_connections > 10000) {
    return OptionError(
        "max_connections",
        absl::StrCat("must be 1 to 10000, got ", options.max_connections));
  }
  absl::StatusOr<AnswerRule> answers = AnswerRule::Make(options.answer_regex);
  if (!answers.ok()) {
    return OptionError("answer_regex", answers.status().message());
  }
  return std::unique_ptr<OpenAiPolicy>(
      new OpenAiPolicy(std::move(options), *std::move(answers)));
}

OpenAiPolicy::OpenAiPolicy(OpenAiOptions options, AnswerRule answers)
    : options_(std::move(options)),
      answers_(std::move(answers)),
      http_(HttpClientOptions{options_.ca_file, absl::Seconds(10),
                              options_.max_connections, 16 << 20}) {}

void OpenAiPolicy::StartPropose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    std::function<void(backend::Candidate)> on_candidate,
    std::function<void(absl::Status)> on_done) {
  if (absl::Status shape = backend::ValidateProposeShape(request);
      !shape.ok()) {
    on_done(shape);
    return;
  }
  if (request.task != "text") {
    on_done(absl::InvalidArgumentError(absl::StrCat(
        "task: an OpenAI-compatible generator serves the text task, got '",
        request.task, "'")));
    return;
  }
  const task::TextTask text;
  if (absl::Status s = text.CheckProblem(request.problem); !s.ok()) {
    on_done(absl::InvalidArgumentError(absl::StrCat("problem: ", s.message())));
    return;
  }
  for (size_t p = 0; p < request.prefixes.size(); ++p) {
    const task::TraceCheck check =
        text.CheckTrace(request.problem, request.prefixes[p]);
    if (!check.legal) {
      on_done(absl::InvalidArgumentError(
          absl::StrCat("prefixes[", p, "].steps[", check.illegal_step,
                       "]: ", check.reason)));
      return;
    }
  }
  if (absl::Status may = call.MayGoOn(); !may.ok()) {
    on_done(may);
    return;
  }
  std::make_shared<ProposeCall>(*this, request, call, std::move(on_candidate),
                                std::move(on_done))
      ->Start();
}

absl::Status OpenAiPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  // The candidates come on the HTTP loop; they are handed to this thread,
  // as Propose promises.
  struct Handoff {
    absl::Mutex mu;
    std::deque<backend::Candidate> ready ABSL_GUARDED_BY(mu);
    std::optional<absl::Status> done ABSL_GUARDED_BY(mu);
  };
  auto handoff = std::make_shared<Handoff>();
  StartPropose(
      request, call,
      [handoff](backend::Candidate c) {
        absl::MutexLock lock(&handoff->mu);
        handoff->ready.push_back(std::move(c));
      },
      [handoff](absl::Status status) {
        absl::MutexLock lock(&handoff->mu);
        handoff->done = std::move(status);
      });
  for (;;) {
    std::deque<backend::Candidate> batch;
    std::optional<absl::Status> done;
    {
      absl::MutexLock lock(&handoff->mu);
      handoff->mu.Await(absl::Condition(
          +[](Handoff* h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(h->mu) {
            return !h->ready.empty() || h->done.has_value();
          },
          handoff.get()));
      batch.swap(handoff->ready);
      done = handoff->done;
    }
    for (backend::Candidate& c : batch) on_candidate(std::move(c));
    if (done.has_value()) return *done;
  }
}

}  // namespace arts::backends::openai
