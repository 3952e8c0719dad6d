// `arts-lab pass-at-k-report`: base against RL from the per-puzzle counts of
// `arts-lab eval-generator --counts_out`, without sampling again: pass@k for
// k = 1, 2, 4, ... up to n on each split (a table and an SVG), the paper's
// subsets as files, and each set's pass@1, pass@16 and token costs.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/cli/split_flags.h"
#include "client/lab/commands.h"
#include "client/lab/lab_flags.h"
#include "core/eval/pass_at_k.h"
#include "core/eval/pass_at_k_plot.h"
#include "core/eval/sample_counts.h"
#include "core/eval/subsets.h"
#include "core/io/atomic_file.h"

ABSL_FLAG(std::vector<std::string>, base_counts, {},
          "SPLIT=PATH,...: the base generator's counts per split");
ABSL_FLAG(std::vector<std::string>, rl_counts, {},
          "SPLIT=PATH,...: the RL generator's counts, the same splits");
ABSL_FLAG(std::string, report_dir, "runs/pass_at_k_report",
          "where to write report.md, pass_at_k.csv, pass_at_k.svg and the "
          "subset files");

namespace arts::cli {
namespace {

using eval::SampleCounts;

struct PassAtKReportOptions {
  std::vector<std::string> base_counts;  // SPLIT=PATH
  std::vector<std::string> rl_counts;    // SPLIT=PATH
  std::string report_dir;
};

absl::StatusOr<PassAtKReportOptions> ParsePassAtKReportOptions(
    FlagReader& flags) {
  PassAtKReportOptions options;
  options.base_counts = flags(FLAGS_base_counts);
  options.rl_counts = flags(FLAGS_rl_counts);
  options.report_dir = flags(FLAGS_report_dir);
  return options;
}

// Counts files by split, in the order given.
using CountFiles = std::vector<std::pair<std::string, eval::SampleCountsFile>>;

// SPLIT=PATH pairs, in the order given.
absl::StatusOr<CountFiles> ReadCountFlag(
    const char* flag, const std::vector<std::string>& values) {
  CountFiles out;
  for (const std::string& value : values) {
    std::pair<std::string, std::string> pair =
        absl::StrSplit(value, absl::MaxSplits('=', 1));
    if (pair.first.empty() || pair.second.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": `", value, "` is not SPLIT=PATH"));
    }
    absl::StatusOr<eval::SampleCountsFile> rows =
        eval::ReadSampleCounts(pair.second);
    if (!rows.ok()) {
      return absl::Status(
          rows.status().code(),
          absl::StrCat("--", flag, ": ", rows.status().message()));
    }
    out.emplace_back(pair.first, *std::move(rows));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " names no counts file"));
  }
  return out;
}

int MinSamples(const std::vector<SampleCounts>& rows) {
  int n = rows.empty() ? 0 : rows.front().samples;
  for (const SampleCounts& r : rows) n = std::min(n, r.samples);
  return n;
}

// One row of the subset table: what the two generators do on `base`/`rl`,
// pass@n at the table's n.
std::string SetRow(const std::string& name,
                   const std::vector<SampleCounts>& base,
                   const std::vector<SampleCounts>& rl, int n) {
  if (base.empty() || n < 16) {
    return absl::StrFormat("| %s | %d | | | | | | | | |\n", name, base.size());
  }
  return absl::StrFormat(
      "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | "
      "%.1f | %.1f |\n",
      name, base.size(), 100 * eval::PassAtKOver(base, 1),
      100 * eval::PassAtKOver(rl, 1), 100 * eval::PassAtKOver(base, 16),
      100 * eval::PassAtKOver(rl, 16), 100 * eval::PassAtKOver(base, n),
      100 * eval::PassAtKOver(rl, n), eval::TokensPerSample(base),
      eval::TokensPerSample(rl));
}

// What the report writes: file name -> contents, in writing order.
using ReportFiles = std::vector<std::pair<std::string, std::string>>;

// pass@k at k = 1, 2, 4, ... up to n for each split and generator: the
// markdown table (returned), the CSV and the plot.
std::string PassAtKTable(const std::vector<eval::SplitCounts>& splits, int n,
                         ReportFiles& files) {
  const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  std::vector<eval::PassAtKCurve> curves;
  std::string csv = "split,generator,k,pass_at_k\n";
  std::vector<int> ks;
  for (int k = 1; k <= n; k *= 2) ks.push_back(k);
  std::string table = "| split | generator |";
  for (int k : ks) absl::StrAppend(&table, " pass@", k, " |");
  absl::StrAppend(&table, "\n| --- | --- |");
  for (size_t i = 0; i < ks.size(); ++i) absl::StrAppend(&table, " --- |");
  absl::StrAppend(&table, "\n");
  for (size_t i = 0; i < splits.size(); ++i) {
    for (const auto& [name, rows] :
         {std::pair<std::string, const std::vector<SampleCounts>*>{
              "base", &splits[i].base},
          {"RL", &splits[i].rl}}) {
      eval::PassAtKCurve curve{absl::StrCat(name, " ", splits[i].split),
                               colors[i % 4],
                               name == "RL",
                               {}};
      absl::StrAppend(&table, "| ", splits[i].split, " | ", name, " |");
      for (int k : ks) {
        const double pass = eval::PassAtKOver(*rows, k);
        curve.values.push_back(pass);
        absl::StrAppendFormat(&csv, "%s,%s,%d,%.6f\n", splits[i].split, name, k,
                              pass);
        absl::StrAppendFormat(&table, " %.1f%% |", 100 * pass);
      }
      absl::StrAppend(&table, "\n");
      curves.push_back(std::move(curve));
    }
  }
  files.emplace_back("pass_at_k.csv", std::move(csv));
  files.emplace_back("pass_at_k.svg", eval::PassAtKSvg(curves));
  return table;
}

// The subset files say how they were made, down to the sampling commands
// and seeds the counts files record.
std::string MadeBy(const PassAtKReportOptions& options, const CountFiles& base,
                   const CountFiles& rl) {
  std::string made_by =
      absl::StrCat("made by: arts-lab pass-at-k-report --base_counts ",
                   absl::StrJoin(options.base_counts, ","), " --rl_counts ",
                   absl::StrJoin(options.rl_counts, ","));
  for (const auto& [generator, counts] :
       {std::pair<const char*, const CountFiles*>{"base", &base},
        {"RL", &rl}}) {
    for (const auto& [split, file] : *counts) {
      if (file.made_by.empty()) continue;
      absl::StrAppend(&made_by, "\n", split, " ", generator,
                      " counts made by: ", file.made_by);
    }
  }
  return made_by;
}

// What each generator does on every split and subset (the markdown table,
// returned), and the subset files.
std::string SetTable(const std::vector<eval::SplitCounts>& splits,
                     const eval::Subsets& subsets, int n,
                     const std::string& made_by, ReportFiles& files) {
  std::string table = absl::StrFormat(
      "| set | puzzles | base pass@1 | RL pass@1 | base pass@16 | "
      "RL pass@16 | base pass@%d | RL pass@%d | base tokens/sample | "
      "RL tokens/sample |\n| --- | --- | --- | --- | --- | --- | --- | --- | "
      "--- | --- |\n",
      n, n);
  for (const eval::SplitCounts& s : splits) {
    absl::StrAppend(&table, SetRow(s.split, s.base, s.rl, n));
  }
  struct Named {
    const char* name;
    const char* what;
    const std::vector<eval::SubsetMember>* members;
  };
  for (const Named& set :
       {Named{"rare",
              "the base model solves at most 2 of 16 samples (and at "
              "least one of all)",
              &subsets.rare},
        Named{"extinction",
              "the RL model's pass@16 is 0 (no correct sample) "
              "and the base model's is above 0",
              &subsets.extinction},
        Named{"needs_fraction",
              "every solution passes through a non-integer number",
              &subsets.needs_fraction}}) {
    std::vector<SampleCounts> b, r;
    for (const eval::SubsetMember& m : *set.members) {
      b.push_back(m.base);
      r.push_back(m.rl);
    }
    absl::StrAppend(&table, SetRow(set.name, b, r, n));
    files.emplace_back(
        absl::StrCat(set.name, ".csv"),
        eval::SubsetCsv(*set.members,
                        absl::StrCat(set.name, ": ", set.what, "\n", made_by)));
  }
  return table;
}

int RunPassAtKReport(const PassAtKReportOptions& options) {
  auto base = ReadCountFlag("base_counts", options.base_counts);
  auto rl = ReadCountFlag("rl_counts", options.rl_counts);
  for (const auto* read : {&base, &rl}) {
    if (!read->ok()) {
      std::cerr << "pass-at-k-report: " << read->status().message() << "\n";
      return ExitCodeFor(read->status());
    }
  }
  std::vector<eval::SplitCounts> splits;
  for (size_t i = 0; i < std::max(base->size(), rl->size()); ++i) {
    if (i >= rl->size() || i >= base->size() ||
        (*rl)[i].first != (*base)[i].first) {
      std::cerr << "pass-at-k-report: --rl_counts must name the splits of "
                   "--base_counts in the same order\n";
      return 2;
    }
    splits.push_back(
        {(*base)[i].first, (*base)[i].second.rows, (*rl)[i].second.rows});
  }
  absl::StatusOr<eval::Subsets> subsets = eval::SelectSubsets(splits);
  if (!subsets.ok()) {
    std::cerr << "pass-at-k-report: " << subsets.status().message() << "\n";
    return 2;
  }
  // Every column is at most the fewest samples any puzzle has.
  int n = eval::kMaxPassAtKSamples;
  for (const eval::SplitCounts& s : splits) {
    n = std::min({n, MinSamples(s.base), MinSamples(s.rl)});
  }
  ReportFiles files;
  const std::string report = absl::StrCat(
      PassAtKTable(splits, n, files), "\n",
      SetTable(splits, *subsets, n, MadeBy(options, *base, *rl), files));
  files.emplace_back("report.md", report);

  const std::string& dir = options.report_dir;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::cerr << "pass-at-k-report: --report_dir: cannot create " << dir << ": "
              << error.message() << "\n";
    return 1;
  }
  for (const auto& [name, contents] : files) {
    if (absl::Status s = io::WriteFileAtomically(dir + "/" + name, contents);
        !s.ok()) {
      std::cerr << "pass-at-k-report: " << s.message() << "\n";
      return 1;
    }
  }
  std::cout << report;
  return 0;
}

}  // namespace

Command PassAtKReportCommand() {
  return MakeCommand<PassAtKReportOptions>(
      "pass-at-k-report",
      "base against RL from eval-generator counts: pass@k, subsets",
      ParsePassAtKReportOptions, RunPassAtKReport);
}

}  // namespace arts::cli
