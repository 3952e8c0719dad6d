// The tree a search grows (trace_tree), for every strategy, against the
// search's own accounting, over the scripted toy task (no model).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "core/eval/tree_svg.h"
#include "core/search/search.h"
#include "core/search/search_tree_json.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scripted_policy.h"

namespace arts::search {
namespace {

using ::testing::HasSubstr;
using testing_support::ScriptedPolicy;
using testing_support::ScriptedScorer;
using testing_support::ToyOptions;

struct Traced {
  SearchResult result;
  std::vector<TreeUpdate> events;  // the tree's, in order
};

Traced Search(Strategy strategy, uint64_t seed, bool trace = true) {
  ScriptedPolicy policy;
  ScriptedScorer scorer;
  SearchOptions options = ToyOptions(strategy);
  options.seed = seed;
  options.trace_tree = trace;
  Traced traced;
  absl::StatusOr<SearchResult> result = RunSearch(
      policy, &scorer, "spell cab", options, [&](const SearchEvent& event) {
        if (event.kind == SearchEvent::Kind::kTree) {
          traced.events.insert(traced.events.end(), event.tree.begin(),
                               event.tree.end());
        }
      });
  EXPECT_TRUE(result.ok()) << result.status();
  if (result.ok()) traced.result = *std::move(result);
  return traced;
}

// The whole trace of a node: its ancestors' steps, then its own.
std::vector<std::string> Trace(const SearchTree& tree, int id) {
  std::vector<std::vector<std::string>> parts;
  for (int at = id; at > 0; at = tree.nodes[at].parent) {
    parts.push_back(tree.nodes[at].steps);
  }
  std::vector<std::string> steps;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    steps.insert(steps.end(), it->begin(), it->end());
  }
  return steps;
}

TEST(SearchTreeTest, EveryStrategysTreeMatchesItsAccounting) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      SCOPED_TRACE(seed);
      const Traced traced = Search(strategy, seed);
      ASSERT_TRUE(traced.result.tree.has_value());
      const SearchTree& tree = *traced.result.tree;
      const CostReceipt& cost = traced.result.cost;
      EXPECT_EQ(tree.version, kSearchTreeVersion);
      EXPECT_EQ(tree.strategy, StrategyName(strategy));
      EXPECT_EQ(tree.problem, "spell cab");
      EXPECT_EQ(tree.stop_reason, traced.result.stop_reason);
      ASSERT_FALSE(tree.nodes.empty());
      EXPECT_EQ(tree.nodes[0].parent, -1);
      // Tokens against the receipt: every token sampled is some node's.
      int64_t tokens = 0;
      int expansions = 0;
      std::set<std::vector<std::string>> traces;
      for (const TreeNode& node : tree.nodes) {
        tokens += node.tokens;
        expansions += node.expansions;
        if (node.id > 0) {
          EXPECT_LT(node.parent, node.id);
          EXPECT_GE(node.draws, 1);
        }
        // Nodes are traces: no trace twice.
        EXPECT_TRUE(traces.insert(Trace(tree, node.id)).second);
        // Every node is closed with its reason when the search ends.
        EXPECT_NE(node.state, NodeState::kOpen);
        if (node.state == NodeState::kExpanded) {
          EXPECT_GT(node.expansions, 0);
        }
        if (node.state == NodeState::kAnswer) {
          EXPECT_TRUE(node.terminal);
        }
      }
      EXPECT_EQ(tokens, cost.tokens_generated);
      // Nodes against expansions.
      EXPECT_EQ(expansions, cost.expansions);
      // One answer path per answer: the answer ranked i is the node whose
      // trace is answers[i - 1]'s.
      std::map<int, int> ranked;
      for (const TreeNode& node : tree.nodes) {
        if (node.answer_rank > 0) ranked[node.answer_rank] = node.id;
      }
      ASSERT_EQ(ranked.size(), traced.result.answers.size());
      for (const auto& [rank, id] : ranked) {
        EXPECT_EQ(Trace(tree, id), traced.result.answers[rank - 1].steps);
        EXPECT_EQ(tree.nodes[id].answer,
                  traced.result.answers[rank - 1].final_value);
      }
      // The events build the same tree: every node created once, in id
      // order, and each event's node as the tree has it by then.
      int created = 0;
      for (const TreeUpdate& event : traced.events) {
        if (event.change == TreeChange::kCreated) {
          EXPECT_EQ(event.node.id, created);
          ++created;
        }
        EXPECT_LT(event.node.id, static_cast<int>(tree.nodes.size()));
      }
      EXPECT_EQ(created, static_cast<int>(tree.nodes.size()));
      // Best-of-N and the votes: a tree of depth one.
      if (strategy == Strategy::kBestOfN ||
          strategy == Strategy::kWeightedVote ||
          strategy == Strategy::kMajorityVote) {
        for (const TreeNode& node : tree.nodes) {
          if (node.id > 0) {
            EXPECT_EQ(node.parent, 0);
          }
        }
      }
    }
  }
}

TEST(SearchTreeTest, TheSameSeedGivesTheSameTree) {
  for (Strategy strategy : kAllStrategies) {
    SCOPED_TRACE(StrategyName(strategy));
    const Traced a = Search(strategy, 7);
    const Traced b = Search(strategy, 7);
    ASSERT_TRUE(a.result.tree.has_value() && b.result.tree.has_value());
    SearchTree ta = *a.result.tree;
    SearchTree tb = *b.result.tree;
    ta.cost.wall_seconds = tb.cost.wall_seconds = 0;
    EXPECT_EQ(SearchTreeJson(ta), SearchTreeJson(tb));
    EXPECT_EQ(a.events.size(), b.events.size());
  }
}

TEST(SearchTreeTest, NotAskedNothingIsRecorded) {
  const Traced traced = Search(Strategy::kArts, 1, /*trace=*/false);
  EXPECT_FALSE(traced.result.tree.has_value());
  EXPECT_TRUE(traced.events.empty());
}

TEST(SearchTreeTest, JsonRoundTripsAndBadFilesNameTheField) {
  const Traced traced = Search(Strategy::kBeam, 3);
  ASSERT_TRUE(traced.result.tree.has_value());
  const std::string text = SearchTreeJson(*traced.result.tree, true);
  absl::StatusOr<SearchTree> read = ParseSearchTreeJson(text);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(SearchTreeJson(*read, true), text);

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"[]", "not a JSON object"},
      {R"({"format": "x", "version": 1})", "format"},
      {R"({"format": "arts-search-tree", "version": 2})", "version"},
      {R"({"format": "arts-search-tree", "version": 1, "nodes": []})", "nodes"},
      {R"({"format": "arts-search-tree", "version": 1,
           "nodes": [{"id": 0, "parent": -1}, {"id": 1, "parent": 5}]})",
       "nodes[1].parent: must name an earlier node, got 5"},
      {R"({"format": "arts-search-tree", "version": 1,
           "nodes": [{"id": 0, "parent": -1, "state": "lost"}]})",
       "nodes[0].state"},
      {R"({"format": "arts-search-tree", "version": 1,
           "nodes": [{"id": 3, "parent": -1}]})",
       "nodes[0].id"},
  };
  for (const auto& [json, says] : bad) {
    absl::StatusOr<SearchTree> tree = ParseSearchTreeJson(json);
    ASSERT_FALSE(tree.ok()) << json;
    EXPECT_THAT(std::string(tree.status().message()), HasSubstr(says));
  }
}

int Count(const std::string& text, const std::string& piece) {
  int count = 0;
  for (size_t at = text.find(piece); at != std::string::npos;
       at = text.find(piece, at + 1)) {
    ++count;
  }
  return count;
}

TEST(SearchTreeTest, RenderTreeDrawsEveryNodeAndTheAnswersPath) {
  const Traced a = Search(Strategy::kArts, 2);
  const Traced b = Search(Strategy::kBeam, 2);
  ASSERT_TRUE(a.result.tree.has_value() && b.result.tree.has_value());
  const std::string svg = eval::SearchTreesSvg(
      {{*a.result.tree, "arts <flow>"}, {*b.result.tree, ""}});
  EXPECT_EQ(Count(svg, "<circle"),
            static_cast<int>(a.result.tree->nodes.size() +
                             b.result.tree->nodes.size()));
  EXPECT_THAT(svg, HasSubstr("arts &lt;flow&gt;"));
  EXPECT_THAT(svg, HasSubstr("beam: spell cab"));  // the default title
  // The best answer's path, root excluded, in gold, in each tree.
  int path_edges = 0;
  for (const SearchTree* tree : {&*a.result.tree, &*b.result.tree}) {
    for (const TreeNode& node : tree->nodes) {
      if (node.answer_rank != 1) continue;
      for (int id = node.id; id > 0; id = tree->nodes[id].parent) {
        ++path_edges;
      }
    }
  }
  EXPECT_GT(path_edges, 0);
  EXPECT_EQ(Count(svg, "stroke=\"#e6a800\" stroke-width=\"4\""), path_edges);
  EXPECT_TRUE(absl::EndsWith(svg, "</svg>\n"));
}

}  // namespace
}  // namespace arts::search
