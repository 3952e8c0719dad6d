#include "core/search/search_run.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/search/answers.h"
#include "core/search/strategies.h"
#include "core/task/task.h"

namespace arts::search {

absl::StatusOr<std::unique_ptr<SearchRun>> SearchRun::Create(
    std::string problem, const SearchOptions& options, bool has_scorer,
    EventSink events) {
  absl::Status valid = ValidateSearchOptions(options);
  if (!valid.ok()) return valid;
  absl::StatusOr<const task::Task*> task = task::TaskOrError(options.task);
  if (!task.ok()) return task.status();
  if (absl::Status s = (*task)->CheckProblem(problem); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("problem: ", s.message()));
  }
  const bool needs_verifier = options.strategy != Strategy::kMajorityVote;
  if (needs_verifier && !has_scorer && !options.allow_unverified) {
    return absl::FailedPreconditionError(
        absl::StrCat(StrategyName(options.strategy), " needs a verifier"));
  }
  std::unique_ptr<SearchRun> run(
      new SearchRun(**task, std::move(problem), options, events));
  if (options.trace_tree) run->RecordTree(std::move(events));
  if (needs_verifier && !has_scorer) {
    run->verified_ = false;
    run->plan_ = MakeSamplesPlan(run->env_, SampleRanking::kUnverified);
  } else {
    run->plan_ = MakePlan(run->env_);
  }
  return run;
}

SearchRun::SearchRun(const task::Task& task, std::string problem,
                     const SearchOptions& options, EventSink events)
    : options_(WithStrategyDefaults(options)),
      task_(task),
      problem_(std::move(problem)),
      gateway_(task_, problem_, options_),
      budget_(options_, gateway_.spent()),
      events_(std::move(events), [this] { return gateway_.cost(); }),
      rng_(options.seed),
      env_{options_, task_, problem_, budget_, events_, rng_} {}

void SearchRun::RecordTree(EventSink sink) {
  TreeSink tell;
  if (sink) {
    tell = [sink = std::move(sink)](std::vector<TreeUpdate> updates) {
      SearchEvent event;
      event.kind = SearchEvent::Kind::kTree;
      event.tree = std::move(updates);
      sink(event);
    };
  }
  tree_ = std::make_unique<TreeRecorder>(
      problem_, StrategyName(options_.strategy),
      [this](const std::vector<std::string>& steps) {
        return CheckOf(task_, problem_, steps);
      },
      std::move(tell));
}

SearchRun::Wait SearchRun::Advance() {
  while (!finished_) {
    step_ = plan_->Next();
    propose_.clear();
    score_.clear();
    if (step_.kind == PlanStep::Kind::kDone) {
      finished_ = true;
    } else if (step_.kind == PlanStep::Kind::kExpand) {
      propose_ =
          gateway_.ProposeCalls(step_.parents, step_.count, step_.to_the_end);
      if (propose_.empty()) {
        plan_->Expanded(std::vector<std::vector<Node>>(step_.parents.size()));
      } else if (absl::Status may = gateway_.MayCall(); !may.ok()) {
        Fail(std::move(may));
      } else {
        if (tree_ != nullptr) tree_->Expanded(step_.parents);
        return Wait::kGenerator;
      }
    } else {
      score_ = gateway_.ScoreCalls(step_.nodes);
      if (score_.empty()) {
        plan_->Scored();
      } else if (absl::Status may = gateway_.MayCall(); !may.ok()) {
        Fail(std::move(may));
      } else {
        return Wait::kVerifier;
      }
    }
  }
  return Wait::kFinished;
}

void SearchRun::Proposed(std::vector<ProposeReply> replies) {
  absl::StatusOr<std::vector<std::vector<Node>>> children =
      gateway_.Children(step_.parents, propose_, std::move(replies));
  if (!children.ok()) return Fail(children.status());
  if (tree_ != nullptr) tree_->Drawn(step_.parents, *children);
  plan_->Expanded(*std::move(children));
}

void SearchRun::Scored(std::vector<ScoreReply> replies) {
  absl::Status applied = gateway_.ApplyScores(score_, std::move(replies));
  if (!applied.ok()) return Fail(std::move(applied));
  if (tree_ != nullptr) tree_->Scored(step_.nodes);
  plan_->Scored();
}

void SearchRun::Fail(absl::Status status) {
  if (options_.allow_unverified && verified_ && gateway_.verifier_failed() &&
      absl::IsUnavailable(status)) {
    // The same gateway goes on: the fallback's cost adds to what was spent
    // and its calls take the next seeds.
    verified_ = false;
    plan_ = MakeSamplesPlan(env_, SampleRanking::kUnverified);
    return;
  }
  status_ = std::move(status);
  finished_ = true;
}

absl::StatusOr<SearchResult> SearchRun::TakeResult() {
  if (!status_.ok()) return status_;
  SearchResult result;
  result.answers =
      TopAnswers(std::move(plan_->outcome().answers), options_.top_n);
  result.stop_reason = plan_->outcome().stop_reason;
  result.cost = gateway_.cost();
  result.verified = verified_;
  if (tree_ != nullptr) result.tree = tree_->Finish(result);
  return result;
}

}  // namespace arts::search
