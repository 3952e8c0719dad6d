// The plans of the strategies (docs/search.md), each in its own file.
#ifndef ARTS_CORE_SEARCH_STRATEGIES_H_
#define ARTS_CORE_SEARCH_STRATEGIES_H_

#include <memory>

#include "core/search/plan.h"

namespace arts::search {

// How N complete samples from the root are ranked.
enum class SampleRanking {
  kBestOfN,       // by aggregated log F
  kWeightedVote,  // grouped by final answer, a group weighs its sum of F
  kMajorityVote,  // grouped by final answer, a group weighs its count
  kUnverified,    // by log pi, without the verifier: the fallback when it
                  // is down
};
std::unique_ptr<SearchPlan> MakeSamplesPlan(const PlanEnv& env,
                                            SampleRanking ranking);
// beam: keep the B best partial traces by log F, k proposals each, per step.
std::unique_ptr<SearchPlan> MakeBeamPlan(const PlanEnv& env);
// arts: flow-guided best-first tree search.
std::unique_ptr<SearchPlan> MakeArtsPlan(const PlanEnv& env);
// dvts: n / M independent subtrees, each following its best of M proposals.
std::unique_ptr<SearchPlan> MakeDvtsPlan(const PlanEnv& env);

// The plan of env.options.strategy.
std::unique_ptr<SearchPlan> MakePlan(const PlanEnv& env);

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_STRATEGIES_H_
