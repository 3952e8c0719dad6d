#include "core/verifier/trace_tree.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "backends/local/local_policy.h"
#include "core/countdown/checker.h"
#include "core/model/generator.h"
#include "core/task/text_task.h"
#include "core/verifier/tree_collector.h"
#include "core/verifier/tree_shards.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scripted_policy.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::verifier {
namespace {

using ::testing::HasSubstr;
using testing_support::ReadFile;
using testing_support::TempDir;
using testing_support::WriteFile;

class TraceTreeTest : public ::testing::Test {
 protected:
  TraceTreeTest() : generator_(testing_support::MakeTinyTransformer(5), {}) {}

  TraceTree Collect(const std::string& text, CollectorOptions options) {
    countdown::Problem problem = *countdown::ParseProblem(text);
    backends::LocalPolicy policy(generator_);
    absl::StatusOr<TraceTree> tree = CollectTree(policy, problem, options);
    EXPECT_TRUE(tree.ok()) << tree.status();
    return tree.ok() ? *tree : TraceTree{};
  }

  static CollectorOptions Options(uint64_t seed) {
    CollectorOptions options;
    options.children = 3;
    options.max_expanded_per_depth = 4;
    options.sampling.seed = seed;
    options.sampling.constrained = true;
    return options;
  }

  model::Generator generator_;
};

TEST_F(TraceTreeTest, CollectedTreeFollowsTheChecker) {
  const std::string text = "4 9 10 13 -> 24";
  const countdown::Problem problem = *countdown::ParseProblem(text);
  TraceTree tree = Collect(text, Options(1));
  ASSERT_TRUE(tree.Validate().ok());
  EXPECT_EQ(tree.problem, text);
  int expanded_at_depth[4] = {0, 0, 0, 0};
  for (size_t id = 0; id < tree.nodes.size(); ++id) {
    const TreeNode& node = tree.nodes[id];
    const std::vector<std::string> steps = tree.StepsTo(id);
    if (!node.children.empty()) {
      EXPECT_EQ(node.children.size(), 3u) << "node " << id;
      ++expanded_at_depth[steps.size()];
    }
    countdown::TraceVerdict verdict = countdown::CheckTrace(problem, steps);
    EXPECT_EQ(verdict.valid, node.valid) << "node " << id;
    EXPECT_EQ(verdict.terminal, node.terminal) << "node " << id;
    EXPECT_EQ(node.reward, node.terminal ? countdown::Reward(verdict) : 0.0);
    if (node.terminal) {
      EXPECT_TRUE(node.children.empty());
    }
    if (id > 0) {
      EXPECT_LE(node.logprob, 0);
      EXPECT_GT(node.num_tokens, 0);
    }
  }
  // The root, then at most 4 expanded nodes per depth.
  EXPECT_EQ(expanded_at_depth[0], 1);
  EXPECT_EQ(expanded_at_depth[1], 3);  // all 3 children are open
  EXPECT_EQ(expanded_at_depth[2], 4);
  EXPECT_EQ(tree.nodes.size(), 1u + 3 + 3 * 3 + 4 * 3);
}

TEST_F(TraceTreeTest, ChildrenByDepthAndForksGiveRolloutsToTheEnd) {
  const std::string text = "4 9 10 13 -> 24";
  const countdown::Problem problem = *countdown::ParseProblem(text);
  CollectorOptions options = Options(2);
  options.children_by_depth = {6, 2, 1};
  options.max_expanded_per_depth = 64;
  options.forks = 2;
  options.fork_rollouts = 3;
  TraceTree tree = Collect(text, options);
  ASSERT_TRUE(tree.Validate().ok());
  // The main tree: the root's 6 children, 2 under each first step, then one
  // child per open node; a fork adds 3 children to a node it was drawn at.
  EXPECT_EQ(tree.nodes[0].children.size(), 6u);
  int forked = 0;
  for (size_t id = 1; id < tree.nodes.size(); ++id) {
    const TreeNode& node = tree.nodes[id];
    const size_t depth = tree.StepsTo(id).size();
    countdown::TraceVerdict verdict =
        countdown::CheckTrace(problem, tree.StepsTo(id));
    EXPECT_EQ(verdict.terminal, node.terminal) << "node " << id;
    EXPECT_EQ(node.reward, node.terminal ? countdown::Reward(verdict) : 0.0);
    // Every open node was continued: each trajectory runs to the end.
    if (node.valid && !node.terminal) {
      EXPECT_FALSE(node.children.empty()) << "node " << id;
    }
    const size_t base = depth == 1 ? 2 : 1;
    if (!node.children.empty() && node.children.size() != base) {
      EXPECT_EQ(node.children.size(), base + 3) << "node " << id;
      ++forked;
    }
  }
  EXPECT_EQ(forked, 2);
  // Same seed, same tree.
  TraceTree again = Collect(text, options);
  ASSERT_EQ(again.nodes.size(), tree.nodes.size());
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    EXPECT_EQ(again.nodes[i].step, tree.nodes[i].step);
  }
}

TEST_F(TraceTreeTest, SameSeedSameTree) {
  TraceTree a = Collect("1 5 5 5 -> 24", Options(7));
  TraceTree b = Collect("1 5 5 5 -> 24", Options(7));
  TraceTree c = Collect("1 5 5 5 -> 24", Options(8));
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  std::vector<std::string> steps_a, steps_b, steps_c;
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    EXPECT_EQ(a.nodes[i].step, b.nodes[i].step);
    EXPECT_EQ(a.nodes[i].logprob, b.nodes[i].logprob);
    steps_a.push_back(a.nodes[i].step);
  }
  for (const TreeNode& n : c.nodes) steps_c.push_back(n.step);
  EXPECT_NE(steps_a, steps_c);
}

TEST_F(TraceTreeTest, TokenBudgetStopsExpansion) {
  CollectorOptions options = Options(3);
  const size_t full = Collect("4 9 10 13 -> 24", options).nodes.size();
  options.max_tokens = 10;  // about one expansion's worth
  TraceTree small = Collect("4 9 10 13 -> 24", options);
  EXPECT_LT(small.nodes.size(), full);
  int64_t tokens = 0;
  for (const TreeNode& n : small.nodes) tokens += n.num_tokens;
  EXPECT_GE(tokens, 10);
  EXPECT_LT(tokens, 10 + 3 * model::kMaxHeadChars);
}

TEST_F(TraceTreeTest, UnconstrainedTreesKeepIllegalStepsAsDeadEnds) {
  CollectorOptions options = Options(2);
  options.sampling.constrained = false;
  options.children = 8;
  TraceTree tree = Collect("4 9 10 13 -> 24", options);
  int invalid = 0;
  for (const TreeNode& n : tree.nodes) {
    if (!n.valid) {
      ++invalid;
      EXPECT_TRUE(n.children.empty());
      EXPECT_TRUE(n.rewarded());
      EXPECT_EQ(n.reward, 0);
    }
  }
  // The random tiny model writes many illegal heads.
  EXPECT_GT(invalid, 0);
}

TEST_F(TraceTreeTest, BadOptionsAreRejected) {
  backends::LocalPolicy policy(generator_);
  countdown::Problem problem = *countdown::ParseProblem("1 2 3 4 -> 24");
  CollectorOptions options;
  options.children = 0;
  EXPECT_THAT(CollectTree(policy, problem, options).status().message(),
              HasSubstr("children"));
  options.children = 2;
  options.max_expanded_per_depth = 0;
  EXPECT_THAT(CollectTree(policy, problem, options).status().message(),
              HasSubstr("max_expanded_per_depth"));
  options.max_expanded_per_depth = 4;
  options.children_by_depth = {4, 65};
  EXPECT_THAT(CollectTree(policy, problem, options).status().message(),
              HasSubstr("children_by_depth"));
  options.children_by_depth = {};
  options.forks = -1;
  EXPECT_THAT(CollectTree(policy, problem, options).status().message(),
              HasSubstr("forks"));
}

TEST_F(TraceTreeTest, FileRoundTripIsExact) {
  TempDir dir("trace_tree_test");
  const std::string path = dir.File("trees.txt");
  CollectorOptions options = Options(4);
  options.sampling.constrained = false;
  std::vector<TraceTree> trees = {Collect("4 9 10 13 -> 24", options),
                                  Collect("1 5 5 5 -> 24", Options(5))};
  ASSERT_TRUE(WriteTreeFile(path, trees).ok());
  EXPECT_TRUE(ReadFile(path + ".tmp").empty()) << "temporary file left";
  absl::StatusOr<std::vector<TraceTree>> read = ReadTreeFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  for (size_t t = 0; t < 2; ++t) {
    const TraceTree& a = trees[t];
    const TraceTree& b = (*read)[t];
    EXPECT_EQ(a.problem, b.problem);
    ASSERT_EQ(a.nodes.size(), b.nodes.size());
    for (size_t i = 0; i < a.nodes.size(); ++i) {
      EXPECT_EQ(a.nodes[i].parent, b.nodes[i].parent);
      EXPECT_EQ(a.nodes[i].step, b.nodes[i].step);
      EXPECT_EQ(a.nodes[i].logprob, b.nodes[i].logprob);  // exact
      EXPECT_EQ(a.nodes[i].num_tokens, b.nodes[i].num_tokens);
      EXPECT_EQ(a.nodes[i].valid, b.nodes[i].valid);
      EXPECT_EQ(a.nodes[i].terminal, b.nodes[i].terminal);
      EXPECT_EQ(a.nodes[i].reward, b.nodes[i].reward);
      EXPECT_EQ(a.nodes[i].children, b.nodes[i].children);
    }
  }
}

TEST_F(TraceTreeTest, InterruptedWriteLeavesTheOldFileWhole) {
  TempDir dir("trace_tree_test");
  const std::string path = dir.File("trees.txt");
  ASSERT_TRUE(WriteTreeFile(path, {Collect("1 5 5 5 -> 24", Options(1))}).ok());
  const std::string before = ReadFile(path);
  // A crash mid-write leaves only a partial PATH.tmp behind.
  WriteFile(path + ".tmp", before.substr(0, before.size() / 2));
  EXPECT_EQ(ReadFile(path), before);
  ASSERT_TRUE(ReadTreeFile(path).ok());
  // The next write replaces the stale temporary file.
  ASSERT_TRUE(WriteTreeFile(path, {Collect("1 5 5 5 -> 24", Options(2))}).ok());
  EXPECT_TRUE(ReadTreeFile(path).ok());
}

TEST_F(TraceTreeTest, CorruptFilesNameTheLine) {
  TempDir dir("trace_tree_test");
  const std::string path = dir.File("trees.txt");
  ASSERT_TRUE(WriteTreeFile(path, {Collect("1 5 5 5 -> 24", Options(1))}).ok());
  const std::string good = ReadFile(path);

  WriteFile(path, "not a tree file\n");
  EXPECT_THAT(ReadTreeFile(path).status().message(),
              HasSubstr(path + ":1: expected the header"));

  WriteFile(path, good.substr(0, good.size() / 2));  // truncated
  EXPECT_THAT(std::string(ReadTreeFile(path).status().message()),
              HasSubstr(path + ":"));

  std::string bad_parent = good;
  const size_t line2 = bad_parent.find('\n', bad_parent.find("tree\t")) + 1;
  const size_t line3 = bad_parent.find('\n', line2) + 1;  // node 1
  bad_parent.replace(line3, bad_parent.find('\t', line3) - line3, "7");
  WriteFile(path, bad_parent);
  EXPECT_THAT(ReadTreeFile(path).status().message(), HasSubstr(":4: expected"));

  EXPECT_EQ(ReadTreeFile(dir.File("missing.txt")).status().code(),
            absl::StatusCode::kNotFound);

  // Found by trace_tree_fuzz: a root whose parent is not -1 was read, and
  // the tree then failed its own Validate.
  WriteFile(path,
            "# arts-trace-trees v1\ntree\t6 6 -> 12\t1\n"
            "0\t-13\t1\t0\t0\t0\t0\t\nend\n");
  EXPECT_THAT(ReadTreeFile(path).status().message(),
              HasSubstr(":3: the root's parent must be -1"));
  WriteFile(path,
            "# arts-trace-trees v1\ntree\t6 6 -> 12\t2\n"
            "0\t-1\t1\t0\t0\t0\t0\t\n1\t0\t1\t1\t1\tnan\t6\t6 + 6\n"
            "end\n");
  EXPECT_THAT(ReadTreeFile(path).status().message(),
              HasSubstr(":4: reward and logprob must be finite"));
}

// JSON Lines (docs/formats.md), the format of any task's trees.
TEST(JsonTreeFileTest, RoundTripIsExactAndKeepsTaskAndAnswers) {
  TraceTree tree;
  tree.task = "text";
  tree.problem = "sum 3 5\twith a tab";
  tree.nodes.resize(3);
  tree.nodes[1] = {0, "3 + 5 = 8", -0.25, 5, true, false, 0, "", {}};
  tree.nodes[2] = {1, "answer: 8", -1e-17, 3, true, true, 1, "8", {}};
  tree.nodes[0].children = {1};
  tree.nodes[1].children = {2};
  TempDir dir("trace_tree_test");
  const std::string path = dir.File("trees.jsonl");
  ASSERT_TRUE(WriteTreeFile(path, {tree, tree}).ok());
  absl::StatusOr<std::vector<TraceTree>> read = ReadTreeFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 2u);
  const TraceTree& back = (*read)[1];
  EXPECT_EQ(back.task, "text");
  EXPECT_EQ(back.problem, tree.problem);
  ASSERT_EQ(back.nodes.size(), 3u);
  EXPECT_EQ(back.nodes[2].answer, "8");
  EXPECT_EQ(back.nodes[2].logprob, -1e-17);
  EXPECT_TRUE(back.nodes[2].terminal);
  EXPECT_EQ(back.nodes[1].children, std::vector<int>{2});
  EXPECT_EQ(back.StepsTo(2), tree.StepsTo(2));
  // A text tree does not fit the Countdown text format.
  EXPECT_THAT(WriteTreeFile(dir.File("trees.txt"), {tree}).message(),
              HasSubstr("write trees of task 'text' as JSON Lines"));
}

TEST(JsonTreeFileTest, AUsersOwnLinesReadWithDefaultsAndErrorsNameTheLine) {
  TempDir dir("trace_tree_test");
  const std::string path = dir.File("mine.jsonl");
  // Only parent and step are required; the rest take their defaults.
  WriteFile(path,
            "{\"format\": \"arts-trace-tree\", \"version\": 1, \"task\": "
            "\"text\", \"problem\": \"q\", \"nodes\": [{\"parent\": -1, "
            "\"step\": \"\"}, {\"parent\": 0, \"step\": \"a\", "
            "\"terminal\": true, \"reward\": 1}]}\n\n");
  absl::StatusOr<std::vector<TraceTree>> read = ReadTreeFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE((*read)[0].nodes[1].valid);
  EXPECT_EQ((*read)[0].nodes[1].reward, 1);
  for (const auto& [line, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"{not json", "not a JSON value"},
           {"{\"format\": \"x\"}", "\"format\" must be"},
           {"{\"format\": \"arts-trace-tree\", \"version\": 2}",
            "\"version\" must be 1"},
           {"{\"format\": \"arts-trace-tree\", \"version\": 1, \"task\": "
            "\"text\", \"problem\": \"q\", \"nodes\": [{\"parent\": 0, "
            "\"step\": \"\"}]}",
            "nodes[0]: the root's parent must be -1"},
           {"{\"format\": \"arts-trace-tree\", \"version\": 1, \"task\": "
            "\"text\", \"problem\": \"q\", \"nodes\": [{\"parent\": -1, "
            "\"step\": \"\"}, {\"parent\": 0, \"step\": \"a\", "
            "\"reward\": \"high\"}]}",
            "nodes[1].reward must be a finite number"},
       }) {
    SCOPED_TRACE(line);
    WriteFile(path, "\n" + line + "\n");
    absl::Status status = ReadTreeFile(path).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(status.message(), HasSubstr(":2: " + message));
  }
}

// Trees of any task: the problem's own reward, e.g. reference answers.
TEST(TextTreeTest, ReferenceAnswersRewardTheLeaves) {
  testing_support::ScriptedPolicy policy;
  const task::TextTask text;
  TreeProblem problem = ReferenceAnswerTreeProblem(
      "text", "spell cab", "cab",
      [&text](absl::string_view a) { return text.NormalizeAnswer(a); });
  CollectorOptions options;
  options.children_by_depth = {4, 2};
  options.max_expanded_per_depth = 8;
  options.sampling.seed = 3;
  absl::StatusOr<TraceTree> tree = CollectTree(policy, problem, options);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->task, "text");
  int terminal = 0, right = 0;
  for (size_t i = 0; i < tree->nodes.size(); ++i) {
    const TreeNode& node = tree->nodes[i];
    if (!node.terminal) continue;
    ++terminal;
    // The scripted policy answers in capitals; normalized, "CAB" is "cab".
    EXPECT_EQ(node.reward, node.answer == "CAB" ? 1 : 0) << node.answer;
    right += node.reward == 1;
  }
  EXPECT_GT(terminal, 0);
  EXPECT_GT(right, 0);
  EXPECT_LT(right, terminal);
}

class TreeShardsTest : public ::testing::Test {
 protected:
  TreeShardsTest()
      : generator_(testing_support::MakeTinyTransformer(6), {}),
        proposer_(generator_),
        puzzles_(*countdown::LoadGame24(countdown::DefaultGame24Path())),
        guard_(puzzles_) {
    for (int i = 0; i < 5; ++i) problems_.push_back(puzzles_[i].problem);
    options_.directory = dir_.File("trees");
    options_.shard_size = 2;
    options_.collector.children = 2;
    options_.collector.max_expanded_per_depth = 2;
    options_.collector.sampling.constrained = true;
  }

  absl::Status Collect(std::ostringstream& log) {
    return CollectTreeShards(proposer_, problems_, guard_, options_, log);
  }

  TempDir dir_{"tree_shards_test"};
  model::Generator generator_;
  backends::LocalPolicy proposer_;
  std::vector<countdown::Game24Puzzle> puzzles_;
  countdown::HeldOutGuard guard_;
  std::vector<countdown::Problem> problems_;
  ShardOptions options_;
};

TEST_F(TreeShardsTest, ResumesByRecollectingOnlyMissingOrBrokenShards) {
  std::ostringstream first;
  ASSERT_TRUE(Collect(first).ok());
  const std::vector<std::string> paths =
      ShardPaths(options_.directory, 5, options_.shard_size);
  ASSERT_EQ(paths.size(), 3u);
  std::vector<std::string> contents;
  for (const std::string& path : paths) contents.push_back(ReadFile(path));
  ASSERT_EQ(ReadTreeFile(paths[2])->size(), 1u);

  // An interrupted run: one shard missing, one cut short.
  std::filesystem::remove(paths[0]);
  WriteFile(paths[1], contents[1].substr(0, contents[1].size() / 2));
  std::ostringstream second;
  ASSERT_TRUE(Collect(second).ok());
  EXPECT_THAT(second.str(), HasSubstr("kept " + paths[2]));
  EXPECT_THAT(second.str(), HasSubstr("wrote " + paths[0]));
  EXPECT_THAT(second.str(), HasSubstr("wrote " + paths[1]));
  // Per-problem seeds make the recollected shards identical.
  for (size_t i = 0; i < paths.size(); ++i) {
    EXPECT_EQ(ReadFile(paths[i]), contents[i]) << paths[i];
  }
}

TEST_F(TreeShardsTest, RefusesTestAndTailPuzzles) {
  problems_.push_back(puzzles_[950].problem);  // rank 951: test split
  ASSERT_EQ(puzzles_[950].split, countdown::Split::kTest);
  std::ostringstream log;
  absl::Status status = Collect(log);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("test or tail"));
  EXPECT_FALSE(std::filesystem::exists(options_.directory));
}

}  // namespace
}  // namespace arts::verifier
