// The RL comparison's committed files reproduce from their commands
// (scripts/rl_results.sh, docs/RESULTS.md): the subsets, the pass@k table
// and plot from the committed per-puzzle counts, and the counts themselves
// for the first test puzzles, from the bundled base and RL generators.

#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_support.h"

namespace arts {
namespace {

using ::arts::testing_support::ReadFile;
using ::arts::testing_support::RunResult;
using ::arts::testing_support::RunToExit;
using ::arts::testing_support::TempDir;

constexpr char kArts[] = ARTS_LAB_BINARY;
constexpr char kResults[] = ARTS_SOURCE_DIR "/docs/results/rl";

std::string Counts(const std::string& name) {
  return std::string(kResults) + "/counts/" + name + ".csv";
}

TEST(RlBaselineTest, SubsetsTableAndPlotReproduceFromTheCounts) {
  TempDir dir("rl_baseline_test");
  const std::string out = dir.File("report");
  const RunResult run = RunToExit(
      kArts,
      {"pass-at-k-report",
       "--base_counts=test=" + Counts("base-test") +
           ",tail=" + Counts("base-tail"),
       "--rl_counts=test=" + Counts("rl-test") + ",tail=" + Counts("rl-tail"),
       "--report_dir=" + out},
      dir.File("log.txt"), absl::Seconds(60));
  ASSERT_EQ(run.exit_code, 0) << run.log;
  for (const char* file : {"rare.csv", "extinction.csv", "needs_fraction.csv",
                           "report.md", "pass_at_k.csv", "pass_at_k.svg"}) {
    const std::string committed = ReadFile(std::string(kResults) + "/" + file);
    EXPECT_FALSE(committed.empty()) << file;
    // The subset files name the counts by the paths given here.
    std::string made = ReadFile(out + "/" + file);
    for (std::string::size_type at = made.find(kResults);
         at != std::string::npos; at = made.find(kResults)) {
      made.replace(at, std::string(kResults).size(), "docs/results/rl");
    }
    EXPECT_EQ(made, committed) << file;
  }
}

// The first two test puzzles' rows of a committed counts file, sampled
// again with the command scripts/rl_results.sh ran, which the file names.
void ExpectCountsReproduce(const std::string& relative_model,
                           const std::string& name) {
  const std::string model = std::string(ARTS_SOURCE_DIR) + "/" + relative_model;
  TempDir dir("rl_baseline_test");
  const std::string counts = dir.File("counts.csv");
  const RunResult run =
      RunToExit(kArts,
                {"eval-generator", "--model=" + model, "--split=test",
                 "--limit=2", "--samples=256", "--constrained", "--seed=1",
                 "--threads=1", "--counts_out=" + counts},
                dir.File("log.txt"), absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.log;
  const std::vector<std::string> committed =
      absl::StrSplit(ReadFile(Counts(name)), '\n');
  const std::vector<std::string> made = absl::StrSplit(ReadFile(counts), '\n');
  ASSERT_GE(committed.size(), 4u);
  ASSERT_EQ(made.size(), 5u);  // made by, header, two rows, ""
  // The same command but for the model's path and the limit.
  EXPECT_EQ(absl::StrReplaceAll(made[0],
                                {{model, relative_model}, {" --limit 2", ""}}),
            committed[0]);
  for (int line = 1; line <= 3; ++line) {
    EXPECT_EQ(made[line], committed[line]) << "line " << line + 1;
  }
}

TEST(RlBaselineTest, BaseCountsReproduce) {
  ExpectCountsReproduce("models/generator.ckpt", "base-test");
}

TEST(RlBaselineTest, RlCountsReproduce) {
  ExpectCountsReproduce("models/generator_rl.ckpt", "rl-test");
}

}  // namespace
}  // namespace arts
