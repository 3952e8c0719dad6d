// The `arts` CLI as a process: each command owns its flags, `--help` lists
// exactly them with their defaults, unknown flags and bad values are named,
// and default model paths follow one rule ($ARTS_MODELS_DIR, else the
// source tree's models/), wherever the binary runs from.

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

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
using ::arts::testing_support::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kArts[] = ARTS_CLI_BINARY;
constexpr char kLab[] = ARTS_LAB_BINARY;

// `arts`, the serving client.
RunResult Arts(const TempDir& dir, const std::vector<std::string>& args) {
  return RunToExit(kArts, args, dir.File("out.txt"), absl::Seconds(60));
}

// `arts-lab`, the research tools with the models in this process.
RunResult Lab(const TempDir& dir, const std::vector<std::string>& args) {
  return RunToExit(kLab, args, dir.File("out.txt"), absl::Seconds(60));
}

TEST(CliTest, SolveHelpListsItsFlagsWithDefaults) {
  TempDir dir("cli_test");
  const RunResult run = Arts(dir, {"solve", "--help"});
  EXPECT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("usage: arts solve"));
  EXPECT_THAT(run.log, HasSubstr("--strategy (default \"arts\")"));
  EXPECT_THAT(run.log, HasSubstr("--task (default \"countdown\")"));
  EXPECT_THAT(run.log, HasSubstr("--orchestrator (default \"\")"));
  EXPECT_THAT(run.log, HasSubstr("--stream (default false)"));
  // Strategy-dependent defaults say so (docs/search.md).
  EXPECT_THAT(run.log, HasSubstr("--proposals (default -1)"));
  EXPECT_THAT(run.log, HasSubstr("--max_tokens (default -1)"));
  EXPECT_THAT(run.log, HasSubstr("--expand_width (default 2)"));
  EXPECT_THAT(run.log, HasSubstr("--stop_confidence (default 0.5)"));
  // Flags of other commands, and flags a search does not read, are not
  // solve's; the serving client loads no model.
  EXPECT_THAT(run.log, Not(HasSubstr("--trees_dir")));
  EXPECT_THAT(run.log, Not(HasSubstr("--split")));
  EXPECT_THAT(run.log, Not(HasSubstr("--top_k")));
  EXPECT_THAT(run.log, Not(HasSubstr("  --model (")));
  // The lab's solve searches in this process, over models.
  const RunResult lab = Lab(dir, {"solve", "--help"});
  EXPECT_EQ(lab.exit_code, 0) << lab.log;
  EXPECT_THAT(lab.log, HasSubstr("usage: arts-lab solve"));
  EXPECT_THAT(lab.log, HasSubstr("--model (default \"" ARTS_MODELS_DIR
                                 "/generator.ckpt\")"));
}

TEST(CliTest, EveryCommandHasHelp) {
  TempDir dir("cli_test");
  for (const char* command :
       {"solve", "generate", "score", "loadtest", "health"}) {
    SCOPED_TRACE(command);
    const RunResult run = Arts(dir, {command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << run.log;
    EXPECT_THAT(run.log, HasSubstr(std::string("usage: arts ") + command));
    EXPECT_THAT(run.log, HasSubstr("(default "));
  }
  for (const char* command :
       {"train-generator", "train-rl", "eval-generator", "collect-trees",
        "train-verifier", "eval-verifier", "solve", "eval"}) {
    SCOPED_TRACE(command);
    const RunResult run = Lab(dir, {command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << run.log;
    EXPECT_THAT(run.log, HasSubstr(std::string("usage: arts-lab ") + command));
    EXPECT_THAT(run.log, HasSubstr("(default "));
  }
  // The research commands are not the serving client's.
  const RunResult run = Arts(dir, {"train-verifier", "--help"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("unknown command 'train-verifier'"));
}

TEST(CliTest, AProblemsFileWithARefusedProblemSolvesTheRest) {
  TempDir dir("cli_test");
  const std::string file = dir.File("problems.jsonl");
  WriteFile(file,
            "{\"problem\": \"4 9 10 13 -> 24\", \"answer\": \"24\"}\n"
            "\n"
            "{\"problem\": \"not a puzzle\", \"answer\": \"24\"}\n"
            "{\"problem\": \"1 5 5 5 -> 24\", \"answer\": \"24\"}\n");
  const RunResult run = Lab(dir, {"solve", "--problems_file", file,
                                  "--strategy", "best_of_n", "--samples", "4"});
  EXPECT_EQ(run.exit_code, 1) << run.log;
  // The refusal names the file's line and the problem, and both other
  // problems were solved.
  EXPECT_THAT(run.log, HasSubstr(file + ":3: not a puzzle: INVALID_ARGUMENT"));
  EXPECT_THAT(run.log, HasSubstr("4 9 10 13 -> 24\n"));
  EXPECT_THAT(run.log, HasSubstr("1 5 5 5 -> 24\n"));
  EXPECT_THAT(run.log, HasSubstr(" of 3 ("));
  EXPECT_THAT(run.log, HasSubstr("; 1 failed (lines 3)"));

  // A file that cannot be read names the line and the field.
  WriteFile(file, "{\"problem\": \"4 9 10 13 -> 24\", \"answer\": 24}\n");
  const RunResult bad = Lab(dir, {"solve", "--problems_file", file});
  EXPECT_EQ(bad.exit_code, 2) << bad.log;
  EXPECT_THAT(bad.log, HasSubstr(file + ":1: answer: must be a string, got "
                                        "number"));
}

TEST(CliTest, VersionAndHealth) {
  TempDir dir("cli_test");
  RunResult run = Arts(dir, {"version"});
  EXPECT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("arts 1."));
  EXPECT_THAT(run.log, HasSubstr("arts.v1.Orchestrator"));
  // Nothing listens on port 1: no answer, exit 1.
  run = Arts(dir, {"health", "--address=127.0.0.1:1", "--timeout=2s"});
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("127.0.0.1:1: no answer"));
}

TEST(CliTest, AnotherCommandsFlagIsRefusedByName) {
  TempDir dir("cli_test");
  // --trees_dir belongs to collect-trees and train-verifier.
  RunResult run = Arts(dir, {"solve", "--trees_dir=/tmp"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("unknown flag --trees_dir"));
  EXPECT_THAT(run.log, HasSubstr("arts solve --help"));
  // A flag nothing in a search reads is refused, not ignored.
  run = Arts(dir, {"solve", "--top_k=5"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("unknown flag --top_k"));
  run = Lab(dir, {"eval", "--top_k=5"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("arts-lab eval: unknown flag --top_k"));
}

TEST(CliTest, BadValuesAreNamed) {
  TempDir dir("cli_test");
  RunResult run = Arts(dir, {"solve", "--strategy=greedy"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("greedy"));
  run = Arts(dir, {"solve", "--samples=0"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--samples"));
  run = Lab(dir, {"solve", "--task=chess"});
  EXPECT_NE(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("task: unknown task 'chess'"));
  run = Lab(dir, {"solve", "--threads=100"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--threads: must be 1 to 64, got 100"));
  run = Arts(dir, {"frobnicate"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("unknown command 'frobnicate'"));
}

TEST(CliTest, DefaultModelsFollowArtsModelsDir) {
  TempDir dir("cli_test");
  const std::string models = dir.File("models");  // holds no model
  ASSERT_EQ(setenv("ARTS_MODELS_DIR", models.c_str(), 1), 0);
  const RunResult help = Lab(dir, {"solve", "--help"});
  const RunResult run = Lab(dir, {"solve", "--strategy=beam"});
  unsetenv("ARTS_MODELS_DIR");
  EXPECT_THAT(help.log,
              HasSubstr("--model (default \"" + models + "/generator.ckpt"));
  EXPECT_NE(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr(models + "/generator.ckpt"));
}

TEST(CliTest, TheExactVerifierRefusesAnotherTaskAtStartup) {
  TempDir dir("cli_test");
  const RunResult run = Lab(
      dir, {"solve", "--task=text", "--problem=q", "--verifier_model=exact"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log,
              HasSubstr("--verifier_model=exact: the exact verifier knows "
                        "countdown only, not --task=text"));
}

TEST(CliTest, SolveSaysWhichAnswersPassTheTasksCheck) {
  TempDir dir("cli_test");
  // 1 1 1 1 -> 24 has no solution: whatever comes back fails, and the
  // output says so plainly.
  RunResult run = Lab(dir, {"solve", "--problem=1 1 1 1 -> 24",
                            "--strategy=best_of_n", "--samples=4", "--top_n=2",
                            "--constrained", "--verifier_model=exact"});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("[FAILS the task's check: target 24]"));
  EXPECT_THAT(run.log,
              HasSubstr("no answer passes the task's check (target 24)"));
  EXPECT_THAT(run.log, Not(HasSubstr("[passes check]")));
  // The tree search with the exact verifier, in this process and with the
  // tuned defaults, finds right answers and says they pass.
  run = Lab(dir, {"solve", "--problem=4 9 10 13 -> 24,1 1 4 6 -> 24",
                  "--constrained", "--verifier_model=exact"});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("[passes check]"));
  EXPECT_THAT(run.log, Not(HasSubstr("no answer passes")));
}

TEST(CliTest, EvalRunsWithTheExactVerifier) {
  TempDir dir("cli_test");
  const std::string results = dir.File("results");
  const RunResult run =
      Lab(dir, {"eval", "--split=test", "--limit=2", "--constrained",
                "--verifier_model=exact", "--label=arts-exact",
                "--results_dir=" + results});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("in-process "));
  EXPECT_THAT(run.log, HasSubstr(" and exact"));
  EXPECT_THAT(ReadFile(results + "/summary.csv"), HasSubstr("arts-exact,test"));
}

TEST(CliTest, EvalGeneratorReportsPassAtKAndWritesCounts) {
  TempDir dir("cli_test");
  const std::string counts = dir.File("counts.csv");
  const RunResult run =
      Lab(dir, {"eval-generator", "--split=test", "--limit=2", "--samples=70",
                "--constrained", "--counts_out=" + counts});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("pass@k k=1 "));
  EXPECT_THAT(run.log, HasSubstr(" k=64 "));
  const std::string csv = ReadFile(counts);
  // The command and seeds first, then the header and a row per puzzle.
  EXPECT_THAT(csv, HasSubstr("# made by: arts-lab eval-generator --model "));
  EXPECT_THAT(csv, HasSubstr(" --split test --limit 2 --samples 70 --seed 1 "
                             "--temperature 1 --top_p 1 --top_k 0 "
                             "--constrained; puzzle i draws its first 64 "
                             "samples with seed 1 + i, the c-th 64 after "
                             "them with seed 1 + i + c * 1000003\n"));
  EXPECT_THAT(csv, HasSubstr("\nproblem,samples,correct,tokens\n"));
  EXPECT_THAT(csv, HasSubstr("\n4 5 6 10 -> 24,70,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4) << csv;
}

TEST(CliTest, PassAtKReportWritesSubsetsPlotAndTable) {
  TempDir dir("cli_test");
  const std::string base = dir.File("base.csv");
  const std::string rl = dir.File("rl.csv");
  WriteFile(base,
            "# made by: the base's sampling command\n"
            "problem,samples,correct,tokens\n1 5 5 5 -> 24,16,1,400\n"
            "1 2 4 7 -> 24,16,8,320\n");
  WriteFile(rl,
            "problem,samples,correct,tokens\n1 5 5 5 -> 24,16,0,300\n"
            "1 2 4 7 -> 24,16,16,300\n");
  const std::string out = dir.File("report");
  RunResult run = Lab(dir, {"pass-at-k-report", "--base_counts=test=" + base,
                            "--rl_counts=test=" + rl, "--report_dir=" + out});
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("| test | base | 28.1% |"));  // (1+8)/32
  EXPECT_THAT(run.log, HasSubstr("| extinction | 1 |"));
  EXPECT_THAT(ReadFile(out + "/rare.csv"),
              HasSubstr("\n1 5 5 5 -> 24,test,16,1,0\n"));
  EXPECT_THAT(ReadFile(out + "/rare.csv"),
              HasSubstr("\n# test base counts made by: the base's sampling "
                        "command\nproblem,split,"));
  EXPECT_THAT(ReadFile(out + "/needs_fraction.csv"),
              HasSubstr("\n1 5 5 5 -> 24,test,16,1,0\n"));
  EXPECT_THAT(ReadFile(out + "/needs_fraction.csv"), Not(HasSubstr("1 2 4 7")));
  EXPECT_THAT(ReadFile(out + "/pass_at_k.svg"), HasSubstr("<polyline"));
  EXPECT_THAT(ReadFile(out + "/pass_at_k.csv"), HasSubstr("test,RL,16,"));

  // The subset file is a puzzle list for any split-taking command.
  run = Lab(dir, {"eval-generator", "--puzzles=" + out + "/rare.csv",
                  "--samples=2", "--constrained"});
  EXPECT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("split=rare"));
  EXPECT_THAT(run.log, HasSubstr("problems=1 "));

  run = Lab(dir, {"pass-at-k-report", "--base_counts=" + base,
                  "--rl_counts=test=" + rl, "--report_dir=" + out});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log,
              HasSubstr("--base_counts: `" + base + "` is not SPLIT=PATH"));
  run = Lab(dir, {"pass-at-k-report", "--base_counts=test=" + base,
                  "--rl_counts=tail=" + rl, "--report_dir=" + out});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("same order"));
  run = Lab(dir,
            {"pass-at-k-report", "--base_counts=test=" + base,
             "--rl_counts=test=" + rl + ",tail=" + rl, "--report_dir=" + out});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("same order"));
  run = Lab(dir, {"pass-at-k-report", "--base_counts=test=" + base + "x",
                  "--rl_counts=test=" + rl, "--report_dir=" + out});
  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_THAT(run.log, HasSubstr("cannot read " + base + "x"));
  WriteFile(base, "problem,samples,correct,tokens\n1 5 5 5 -> 24,16,99,1\n");
  run = Lab(dir, {"pass-at-k-report", "--base_counts=test=" + base,
                  "--rl_counts=test=" + rl, "--report_dir=" + out});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr(base + ": line 2"));
  const std::string bad = dir.File("bad.txt");
  WriteFile(bad, "# a list\n1 2 x -> 24\n");
  run = Lab(dir, {"eval-generator", "--puzzles=" + bad, "--samples=2"});
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("--puzzles: " + bad + ": line 2"));
}

TEST(CliTest, TrainRlSnapshotsAndResumes) {
  TempDir dir("cli_test");
  const std::string out = dir.File("rl.ckpt");
  const std::vector<std::string> run_flags = {
      "train-rl",       "--rl_out=" + out,   "--problems_per_step=1",
      "--group_size=2", "--rl_eval_every=1", "--threads=1"};
  std::vector<std::string> flags = run_flags;
  flags.push_back("--rl_steps=1");
  RunResult run = Lab(dir, flags);
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("step 0 validation pass@1 "));
  EXPECT_THAT(run.log, HasSubstr("step 1/1 mean reward "));
  EXPECT_THAT(run.log, HasSubstr("eta "));
  EXPECT_FALSE(ReadFile(out + ".step1").empty());
  EXPECT_FALSE(ReadFile(out).empty());

  flags = run_flags;
  flags.push_back("--rl_steps=2");
  flags.push_back("--rl_resume");
  run = Lab(dir, flags);
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_THAT(run.log, HasSubstr("resumed from " + out + ".step1"));
  EXPECT_THAT(run.log, HasSubstr("step 2/2 mean reward "));
  EXPECT_THAT(run.log, Not(HasSubstr("step 1/2")));

  flags = run_flags;
  flags.push_back("--group_size=1");
  run = Lab(dir, flags);
  EXPECT_EQ(run.exit_code, 2) << run.log;
  EXPECT_THAT(run.log, HasSubstr("group_size 2 to 64"));
}

}  // namespace
}  // namespace arts
