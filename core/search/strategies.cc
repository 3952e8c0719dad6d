#include "core/search/strategies.h"

namespace arts::search {

std::unique_ptr<SearchPlan> MakePlan(const PlanEnv& env) {
  switch (env.options.strategy) {
    case Strategy::kBestOfN:
      return MakeSamplesPlan(env, SampleRanking::kBestOfN);
    case Strategy::kWeightedVote:
      return MakeSamplesPlan(env, SampleRanking::kWeightedVote);
    case Strategy::kMajorityVote:
      return MakeSamplesPlan(env, SampleRanking::kMajorityVote);
    case Strategy::kBeam:
      return MakeBeamPlan(env);
    case Strategy::kArts:
      return MakeArtsPlan(env);
    case Strategy::kDvts:
      return MakeDvtsPlan(env);
  }
  return MakeSamplesPlan(env, SampleRanking::kBestOfN);
}

}  // namespace arts::search
