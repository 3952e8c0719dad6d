#include "core/eval/sample_counts.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/countdown/problem.h"
#include "core/eval/pass_at_k.h"

namespace arts::eval {

namespace {
constexpr absl::string_view kHeader = "problem,samples,correct,tokens";
constexpr absl::string_view kMadeBy = "# made by: ";
}  // namespace

std::string SampleCountsCsv(const SampleCountsFile& file) {
  std::string csv;
  if (!file.made_by.empty()) absl::StrAppend(&csv, kMadeBy, file.made_by, "\n");
  absl::StrAppend(&csv, kHeader, "\n");
  for (const SampleCounts& r : file.rows) {
    absl::StrAppend(&csv, r.problem, ",", r.samples, ",", r.correct, ",",
                    r.tokens, "\n");
  }
  return csv;
}

absl::StatusOr<SampleCountsFile> ParseSampleCountsCsv(
    absl::string_view text, absl::string_view source) {
  SampleCountsFile file;
  std::vector<SampleCounts>& rows = file.rows;
  int line_number = 0;
  bool header_seen = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    if (line.empty()) continue;
    if (!header_seen) {
      if (absl::ConsumePrefix(&line, kMadeBy)) {
        file.made_by = std::string(line);
        continue;
      }
      if (line != kHeader) {
        return absl::InvalidArgumentError(
            absl::StrCat(source, ": line ", line_number,
                         " must be the header `", kHeader, "`"));
      }
      header_seen = true;
      continue;
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    SampleCounts row;
    const bool ok =
        fields.size() == 4 && countdown::ParseProblem(fields[0]).ok() &&
        absl::SimpleAtoi(fields[1], &row.samples) &&
        absl::SimpleAtoi(fields[2], &row.correct) &&
        absl::SimpleAtoi(fields[3], &row.tokens) && row.samples >= 1 &&
        row.samples <= kMaxPassAtKSamples && row.correct >= 0 &&
        row.correct <= row.samples && row.tokens >= 0;
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": line ", line_number,
                       " is not `problem,samples,correct,tokens` with a "
                       "problem like `1 2 4 7 -> 24`, 1 <= samples <= ",
                       kMaxPassAtKSamples,
                       ", 0 <= correct <= samples and "
                       "tokens >= 0"));
    }
    row.problem = std::string(fields[0]);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no rows"));
  }
  return file;
}

absl::StatusOr<SampleCountsFile> ReadSampleCounts(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseSampleCountsCsv(text.str(), path);
}

double PassAtKOver(const std::vector<SampleCounts>& rows, int k) {
  if (rows.empty()) return 0;
  double sum = 0;
  for (const SampleCounts& r : rows) sum += PassAtK(r.samples, r.correct, k);
  return sum / rows.size();
}

double TokensPerSample(const std::vector<SampleCounts>& rows) {
  if (rows.empty()) return 0;
  double sum = 0;
  for (const SampleCounts& r : rows) sum += double(r.tokens) / r.samples;
  return sum / rows.size();
}

}  // namespace arts::eval
