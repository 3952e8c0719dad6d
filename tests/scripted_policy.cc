#include "tests/scripted_policy.h"

#include <cmath>
#include <cstring>
#include <random>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace arts::testing_support {
namespace {

constexpr char kLetters[] = "abcd";

uint64_t Mix(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xBF58476D1CE4E5B9ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The letters a trace has written so far.
std::string Letters(const std::vector<std::string>& steps) {
  std::string out;
  for (const std::string& step : steps) {
    if (absl::StartsWith(step, "letter ") && step.size() == 8) {
      out.push_back(step[7]);
    }
  }
  return out;
}

}  // namespace

std::string ToyWord(const std::string& problem) {
  for (const char* verb : {"spell ", "mute "}) {
    if (absl::StartsWith(problem, verb)) return problem.substr(strlen(verb));
  }
  return "";
}

search::SearchOptions ToyOptions(search::Strategy strategy) {
  search::SearchOptions options;
  options.task = "text";
  options.strategy = strategy;
  options.n = 16;
  options.beam_width = 4;
  options.proposals = 4;
  options.expand_width = 2;
  // No token budget, whatever the strategy's default: these tests count
  // rounds and expansions, and set budgets where they test them.
  options.max_tokens = 0;
  options.top_n = 4;
  options.seed = 3;
  return options;
}

absl::Status ScriptedPolicy::Propose(
    const backend::ProposeRequest& request, const backend::CallContext& call,
    const std::function<void(backend::Candidate)>& on_candidate) {
  ++calls_;
  if (absl::Status shape = backend::ValidateProposeShape(request);
      !shape.ok()) {
    return shape;
  }
  const std::string word = ToyWord(request.problem);
  if (word.empty()) {
    return absl::InvalidArgumentError(
        "problem: a toy problem is 'spell WORD' or 'mute WORD'");
  }
  const bool mute = absl::StartsWith(request.problem, "mute ");
  const std::vector<std::vector<std::string>> prefixes =
      backend::PrefixesOf(request);
  for (size_t p = 0; p < prefixes.size(); ++p) {
    for (int i = 0; i < request.num_candidates; ++i) {
      for (absl::Time until = absl::Now() + delay_; absl::Now() < until;) {
        if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
      std::mt19937_64 rng(Mix(request.sampling.seed, p, i));
      std::uniform_real_distribution<double> u(0, 1);
      backend::Candidate c;
      c.prefix_index = static_cast<int>(p);
      c.index = i;
      std::string letters = Letters(prefixes[p]);
      while (letters.size() < word.size()) {
        const char right = word[letters.size()];
        const double draw = u(rng);
        if (draw < 0.03) {
          c.steps.push_back("letter ?");
          c.valid = false;
          c.invalid_reason = "'?' is not a letter";
          c.num_tokens += 2;
          break;
        }
        char letter = right;
        double logprob = std::log(0.3);
        if (draw >= 0.3) {
          letter = kLetters[rng() % 4];
          logprob = std::log(letter == right ? 0.3 + 0.7 / 4 : 0.7 / 4);
        }
        letters.push_back(letter);
        c.steps.push_back(absl::StrCat("letter ", std::string(1, letter)));
        c.logprob += logprob;
        c.num_tokens += 2;
        if (request.max_steps > 0 &&
            static_cast<int>(c.steps.size()) == request.max_steps) {
          break;
        }
      }
      if (c.valid && letters.size() == word.size()) {
        c.terminal = true;
        if (!mute) c.final_answer = absl::AsciiStrToUpper(letters);
      }
      on_candidate(std::move(c));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<double>>> ScriptedScorer::Score(
    const backend::ScoreRequest& request, const backend::CallContext& call) {
  ++calls_;
  if (absl::Status may = call.MayGoOn(); !may.ok()) return may;
  std::vector<std::vector<double>> scores;
  for (const backend::TraceRef& trace : request.traces) {
    const std::string word = ToyWord(trace.problem);
    if (word.empty()) {
      return absl::InvalidArgumentError("traces: not a toy problem");
    }
    std::vector<double> flows = {std::log(0.5)};
    std::string letters;  // of the first s steps
    for (size_t s = 1; s <= trace.steps.size(); ++s) {
      const std::string& step = trace.steps[s - 1];
      // A generator that writes free text (tests/openai_stand_in.py) ends
      // with "answer: CAB": right when every letter before it is.
      const bool answer = absl::StartsWith(step, "answer: ");
      letters += Letters({step});
      const bool right = answer ? letters == word
                                : letters.size() == s && s <= word.size() &&
                                      word.compare(0, s, letters) == 0;
      const bool done = letters.size() == word.size();
      flows.push_back(
          std::log(right ? (done ? 0.99 : 0.9) : (done ? 0.001 : 0.01)));
    }
    scores.push_back(std::move(flows));
  }
  return scores;
}

}  // namespace arts::testing_support
