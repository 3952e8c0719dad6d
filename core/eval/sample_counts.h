#ifndef ARTS_CORE_EVAL_SAMPLE_COUNTS_H_
#define ARTS_CORE_EVAL_SAMPLE_COUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arts::eval {

// What n sampled traces of one puzzle came to: the file
// `arts-lab eval-generator --counts_out` writes, from which pass@k of any k <=
// n and the subsets are computed without sampling again.
struct SampleCounts {
  std::string problem;  // text form, `1 2 4 7 -> 24`
  int samples = 0;      // n
  int correct = 0;      // c
  int64_t tokens = 0;   // tokens the generator sampled for the n traces
};

// A counts file: the command and seeds that drew the samples, and the rows.
struct SampleCountsFile {
  std::string made_by;  // "" if the file does not say
  std::vector<SampleCounts> rows;
};

// CSV: `# made by: MADE_BY` (when given), then the header
// `problem,samples,correct,tokens` and one row per puzzle.
std::string SampleCountsCsv(const SampleCountsFile& file);

// Parses SampleCountsCsv's output; errors name `source` and the line.
absl::StatusOr<SampleCountsFile> ParseSampleCountsCsv(absl::string_view text,
                                                      absl::string_view source);
absl::StatusOr<SampleCountsFile> ReadSampleCounts(const std::string& path);

// Mean over rows of the unbiased pass@k; every row needs samples >= k.
double PassAtKOver(const std::vector<SampleCounts>& rows, int k);
// Mean over rows of tokens per sampled trace: the token cost of pass@1.
double TokensPerSample(const std::vector<SampleCounts>& rows);

}  // namespace arts::eval

#endif  // ARTS_CORE_EVAL_SAMPLE_COUNTS_H_
