#ifndef ARTS_CORE_SEARCH_NODE_H_
#define ARTS_CORE_SEARCH_NODE_H_

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace arts::search {

// A partial or complete trace in a search.
struct Node {
  std::vector<std::string> steps;
  bool valid = true;
  bool terminal = false;
  std::string final_answer;  // when terminal, as the generator said
  double logprob = 0;        // log pi of `steps` given the problem
  int64_t tokens = 0;  // tokens the generator sampled for its newest steps
  std::vector<double> log_flows;  // log F of every prefix, once scored

  bool scored() const { return !log_flows.empty(); }
  double log_flow() const {
    return scored() ? log_flows.back()
                    : -std::numeric_limits<double>::infinity();
  }
};

}  // namespace arts::search

#endif  // ARTS_CORE_SEARCH_NODE_H_
