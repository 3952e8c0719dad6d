#include "core/eval/search_eval.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/countdown/checker.h"
#include "core/eval/svg.h"
#include "core/io/atomic_file.h"

namespace arts::eval {
namespace {

constexpr char kSummaryHeader[] =
    "label,split,puzzles,success,oracle,mean_tokens,mean_verifier_calls,"
    "mean_expansions,mean_wall_seconds";

bool Correct(const countdown::Problem& problem, const search::Answer& answer) {
  return countdown::CheckTrace(problem, answer.steps).correct;
}

// CSV fields here never hold commas except the answer, which is quoted.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

absl::StatusOr<std::vector<SearchEvalRow>> EvaluateSearch(
    const std::vector<countdown::Problem>& problems,
    search::SearchOptions options, const SolveFunction& solve,
    std::ostream& progress) {
  options.top_n = search::kMaxTopN;
  const uint64_t seed = options.seed;
  std::vector<SearchEvalRow> rows;
  int successes = 0;
  for (size_t i = 0; i < problems.size(); ++i) {
    const countdown::Problem& problem = problems[i];
    const std::string text = countdown::FormatProblem(problem);
    // Puzzle i searches with seed + i, so that puzzles draw independent
    // samples (one shared seed correlates them and widens the run-to-run
    // spread).
    options.seed = seed + i;
    absl::StatusOr<search::SearchResult> result = solve(text, options);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          absl::StrCat(text, ": ", result.status().message()));
    }
    SearchEvalRow row;
    row.problem = text;
    row.answers = static_cast<int>(result->answers.size());
    row.cost = result->cost;
    row.verified = result->verified;
    row.stop_reason = result->stop_reason;
    if (!result->answers.empty()) {
      row.success = Correct(problem, result->answers[0]);
      row.top_answer = absl::StrJoin(result->answers[0].steps, " | ");
    }
    for (const search::Answer& answer : result->answers) {
      row.oracle = row.oracle || Correct(problem, answer);
    }
    successes += row.success;
    progress << absl::StrFormat(
                    "[%d/%d] %-18s %s  tokens %d  success so far %.1f%%\n",
                    i + 1, problems.size(), text,
                    row.success ? "solved" : "missed",
                    row.cost.tokens_generated, 100.0 * successes / (i + 1))
             << std::flush;
    rows.push_back(std::move(row));
  }
  return rows;
}

SearchEvalSummary Summarize(const std::string& label, const std::string& split,
                            const std::vector<SearchEvalRow>& rows) {
  SearchEvalSummary s;
  s.label = label;
  s.split = split;
  s.puzzles = static_cast<int>(rows.size());
  if (rows.empty()) return s;
  for (const SearchEvalRow& row : rows) {
    s.success += row.success;
    s.oracle += row.oracle;
    s.mean_tokens += static_cast<double>(row.cost.tokens_generated);
    s.mean_verifier_calls += static_cast<double>(row.cost.verifier_calls);
    s.mean_expansions += static_cast<double>(row.cost.expansions);
    s.mean_wall_seconds += row.cost.wall_seconds;
  }
  const double n = static_cast<double>(rows.size());
  s.success /= n;
  s.oracle /= n;
  s.mean_tokens /= n;
  s.mean_verifier_calls /= n;
  s.mean_expansions /= n;
  s.mean_wall_seconds /= n;
  return s;
}

absl::Status WriteRowsCsv(const std::string& path,
                          const std::vector<SearchEvalRow>& rows) {
  std::ostringstream out;
  out << "problem,success,oracle,answers,tokens,generator_calls,"
         "verifier_calls,traces_scored,expansions,wall_seconds,verified,"
         "stop_reason,top_answer\n";
  for (const SearchEvalRow& r : rows) {
    out << absl::StrFormat(
        "%s,%d,%d,%d,%d,%d,%d,%d,%d,%.4f,%d,%s,%s\n", r.problem, r.success,
        r.oracle, r.answers, r.cost.tokens_generated, r.cost.generator_calls,
        r.cost.verifier_calls, r.cost.traces_scored, r.cost.expansions,
        r.cost.wall_seconds, r.verified, r.stop_reason, Quoted(r.top_answer));
  }
  return io::WriteFileAtomically(path, out.str());
}

absl::StatusOr<std::vector<SearchEvalSummary>> ReadSummaries(
    const std::string& path) {
  std::vector<SearchEvalSummary> summaries;
  std::ifstream in(path);
  if (!in) return summaries;  // no runs yet
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 || line.empty()) continue;
    std::vector<std::string> f = absl::StrSplit(line, ',');
    SearchEvalSummary s;
    bool ok = f.size() == 9;
    if (ok) {
      s.label = f[0];
      s.split = f[1];
      ok = absl::SimpleAtoi(f[2], &s.puzzles) &&
           absl::SimpleAtod(f[3], &s.success) &&
           absl::SimpleAtod(f[4], &s.oracle) &&
           absl::SimpleAtod(f[5], &s.mean_tokens) &&
           absl::SimpleAtod(f[6], &s.mean_verifier_calls) &&
           absl::SimpleAtod(f[7], &s.mean_expansions) &&
           absl::SimpleAtod(f[8], &s.mean_wall_seconds);
    }
    if (!ok) {
      return absl::DataLossError(
          absl::StrCat(path, ":", number, ": malformed summary line"));
    }
    summaries.push_back(s);
  }
  return summaries;
}

absl::Status WriteSummaries(const std::string& path,
                            const std::vector<SearchEvalSummary>& summaries) {
  std::ostringstream out;
  out << kSummaryHeader << "\n";
  for (const SearchEvalSummary& s : summaries) {
    out << absl::StrFormat("%s,%s,%d,%.6f,%.6f,%.2f,%.2f,%.2f,%.4f\n", s.label,
                           s.split, s.puzzles, s.success, s.oracle,
                           s.mean_tokens, s.mean_verifier_calls,
                           s.mean_expansions, s.mean_wall_seconds);
  }
  return io::WriteFileAtomically(path, out.str());
}

void MergeSummary(std::vector<SearchEvalSummary>& summaries,
                  const SearchEvalSummary& summary) {
  for (SearchEvalSummary& s : summaries) {
    if (s.label == summary.label && s.split == summary.split) {
      s = summary;
      return;
    }
  }
  summaries.push_back(summary);
}

std::string SummaryMarkdown(const std::vector<SearchEvalSummary>& summaries) {
  std::string out =
      "| split | run | puzzles | success | oracle | tokens | verifier calls | "
      "expansions | wall s |\n| --- | --- | --- | --- | --- | --- | --- | "
      "--- | --- |\n";
  for (const SearchEvalSummary& s : summaries) {
    absl::StrAppend(
        &out,
        absl::StrFormat("| %s | %s | %d | %.1f%% | %.1f%% | %.0f | %.1f | "
                        "%.1f | %.3f |\n",
                        s.split, s.label, s.puzzles, 100 * s.success,
                        100 * s.oracle, s.mean_tokens, s.mean_verifier_calls,
                        s.mean_expansions, s.mean_wall_seconds));
  }
  return out;
}

std::string SummarySvg(const std::vector<SearchEvalSummary>& summaries) {
  constexpr double kWidth = 640, kHeight = 420, kLeft = 60, kBottom = 50,
                   kTop = 30, kRight = 160;
  double max_tokens = 1;
  for (const SearchEvalSummary& s : summaries) {
    max_tokens = std::max(max_tokens, s.mean_tokens);
  }
  max_tokens *= 1.1;
  auto x = [&](double tokens) {
    return kLeft + tokens / max_tokens * (kWidth - kLeft - kRight);
  };
  auto y = [&](double success) {
    return kHeight - kBottom - success * (kHeight - kBottom - kTop);
  };
  std::string svg = SvgOpen(kWidth, kHeight, kLeft,
                            "Success against tokens generated per puzzle");
  // Axes with ticks at every 20% and at five token marks.
  absl::StrAppend(&svg, SvgLine(x(0), y(0), x(max_tokens), y(0)),
                  SvgLine(x(0), y(0), x(0), y(1)));
  for (int i = 0; i <= 5; ++i) {
    const double s = i / 5.0;
    const double t = max_tokens * i / 5.0;
    absl::StrAppend(
        &svg,
        absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                        "%.0f%%</text>\n",
                        x(0) - 4, y(s) + 4, 100 * s),
        absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                        "%.0f</text>\n",
                        x(t), y(0) + 16, t));
  }
  absl::StrAppend(
      &svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" "
                            "text-anchor=\"middle\">mean tokens generated "
                            "per puzzle</text>\n",
                            x(max_tokens / 2), kHeight - 12));
  // Colours by split. Labels of the form STEM@BUDGET (e.g. arts-flow@256)
  // are one curve per split and stem, joined in order of tokens and named
  // once at its last point; other labels are single named points.
  const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
  std::map<std::string, int> series;
  std::map<std::pair<std::string, std::string>,
           std::vector<const SearchEvalSummary*>>
      curves;
  for (const SearchEvalSummary& s : summaries) {
    series.emplace(s.split, series.size());
    const size_t at = s.label.find('@');
    if (at != std::string::npos) {
      curves[{s.split, s.label.substr(0, at)}].push_back(&s);
      continue;
    }
    const char* color = colors[series[s.split] % 4];
    absl::StrAppend(
        &svg, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
                              "fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                              "fill=\"%s\">%s</text>\n",
                              x(s.mean_tokens), y(s.success), color,
                              x(s.mean_tokens) + 6, y(s.success) - 4, color,
                              s.label));
  }
  for (auto& [key, points] : curves) {
    const char* color = colors[series[key.first] % 4];
    std::sort(points.begin(), points.end(), [](const auto* a, const auto* b) {
      return a->mean_tokens < b->mean_tokens;
    });
    std::string path;
    for (const SearchEvalSummary* p : points) {
      absl::StrAppend(
          &path, path.empty() ? "" : " ",
          absl::StrFormat("%.1f,%.1f", x(p->mean_tokens), y(p->success)));
      absl::StrAppend(&svg,
                      absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                                      "fill=\"%s\"/>\n",
                                      x(p->mean_tokens), y(p->success), color));
    }
    const SearchEvalSummary& last = *points.back();
    absl::StrAppend(
        &svg, absl::StrFormat("<polyline points=\"%s\" fill=\"none\" "
                              "stroke=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                              "fill=\"%s\">%s</text>\n",
                              path, color, x(last.mean_tokens) + 6,
                              y(last.success) - 4, color, key.second));
  }
  for (const auto& [split, index] : series) {
    absl::StrAppend(
        &svg, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">"
                              "&#9679; %s split</text>\n",
                              kWidth - kRight + 20, kTop + 20 + 16 * index,
                              colors[index % 4], split));
  }
  return svg + "</svg>\n";
}

}  // namespace arts::eval
