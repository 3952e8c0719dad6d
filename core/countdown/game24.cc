#include "core/countdown/game24.h"

#include <algorithm>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/io/default_paths.h"

namespace arts::countdown {
namespace {

constexpr int kLastTrainRank = 900;
constexpr int kLastTestRank = 1000;

std::vector<Rational> Sorted(std::vector<Rational> numbers) {
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

}  // namespace

absl::StatusOr<Split> ParseSplit(absl::string_view name) {
  if (name == "train") return Split::kTrain;
  if (name == "test") return Split::kTest;
  if (name == "tail") return Split::kTail;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown split '", name, "' (expected train, test or tail)"));
}

absl::string_view SplitName(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kTest:
      return "test";
    case Split::kTail:
      return "tail";
  }
  return "?";
}

Split SplitOfRank(int rank) {
  if (rank <= kLastTrainRank) return Split::kTrain;
  if (rank <= kLastTestRank) return Split::kTest;
  return Split::kTail;
}

std::string DefaultGame24Path() { return io::DefaultGame24Path(); }

absl::StatusOr<std::vector<Game24Puzzle>> LoadGame24(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot open ", path, " (pass the path of shared/data/game24/24.csv)"));
  }
  std::vector<Game24Puzzle> puzzles;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line_number == 1) continue;  // header
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto bad = [&](absl::string_view why) {
      return absl::DataLossError(
          absl::StrCat(path, ":", line_number, ": ", why));
    };
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    Game24Puzzle puzzle;
    if (fields.size() < 2 || !absl::SimpleAtoi(fields[0], &puzzle.rank)) {
      return bad("expected 'Rank,Puzzles,...'");
    }
    absl::StatusOr<Problem> problem =
        ParseProblem(absl::StrCat(fields[1], " -> 24"));
    if (!problem.ok()) return bad(problem.status().message());
    if (problem->numbers.size() != 4) return bad("expected four numbers");
    puzzle.problem = *std::move(problem);
    puzzle.split = SplitOfRank(puzzle.rank);
    puzzles.push_back(std::move(puzzle));
  }
  if (puzzles.empty()) {
    return absl::DataLossError(absl::StrCat(path, ": no puzzles"));
  }
  return puzzles;
}

std::vector<Problem> ProblemsOf(const std::vector<Game24Puzzle>& puzzles,
                                Split split) {
  std::vector<Problem> problems;
  for (const Game24Puzzle& p : puzzles) {
    if (p.split == split) problems.push_back(p.problem);
  }
  return problems;
}

HeldOutGuard::HeldOutGuard(const std::vector<Game24Puzzle>& puzzles) {
  for (const Game24Puzzle& p : puzzles) {
    if (p.split != Split::kTrain) held_out_.insert(Sorted(p.problem.numbers));
  }
}

bool HeldOutGuard::IsHeldOut(const Problem& problem) const {
  return held_out_.count(Sorted(problem.numbers)) > 0;
}

}  // namespace arts::countdown
