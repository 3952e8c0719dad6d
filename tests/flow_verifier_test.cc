#include "core/verifier/flow_verifier.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/model/generator.h"
#include "core/text/sentencepiece_model.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts::verifier {
namespace {

using ::testing::HasSubstr;
using testing_support::TempDir;

model::Transformer TinyVerifierNetwork(uint64_t seed) {
  model::TransformerConfig config = testing_support::TinyTransformerConfig();
  config.output_size = 1;
  return testing_support::MakeTinyTransformer(seed, config);
}

const TraceRef kFull = {"4 9 10 13 -> 24",
                        {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
                         "4 * 6 = 24 (left: 24)"}};

TEST(FlowVerifierTest, ScoresEveryPrefixInOnePass) {
  FlowVerifier verifier(TinyVerifierNetwork(1), {});
  absl::StatusOr<std::vector<std::vector<double>>> full =
      verifier.Score({kFull});
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ((*full)[0].size(), 4u);
  for (double log_flow : (*full)[0]) EXPECT_LT(log_flow, 0);
  // Each prefix scored on its own gives the same number.
  for (size_t k = 0; k <= kFull.steps.size(); ++k) {
    TraceRef prefix{kFull.problem,
                    {kFull.steps.begin(), kFull.steps.begin() + k}};
    auto alone = verifier.Score({prefix});
    ASSERT_TRUE(alone.ok());
    ASSERT_EQ((*alone)[0].size(), k + 1);
    EXPECT_NEAR((*alone)[0][k], (*full)[0][k], 1e-5) << "prefix " << k;
  }
  // The scores are not all equal: the network reads the text.
  EXPECT_NE((*full)[0][0], (*full)[0][3]);
}

TEST(FlowVerifierTest, BatchingAndPaddingChangeNothing) {
  FlowVerifier verifier(TinyVerifierNetwork(2), {});
  TraceRef short_trace{"1 5 5 5 -> 24", {"1 / 5 = 1/5 (left: 1/5 5 5)"}};
  auto together = verifier.Score({short_trace, kFull});
  auto alone = verifier.Score({short_trace});
  ASSERT_TRUE(together.ok() && alone.ok());
  ASSERT_EQ((*together)[0].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR((*together)[0][i], (*alone)[0][i], 1e-5);
  }
  EXPECT_TRUE(verifier.Score({})->empty());
}

TEST(FlowVerifierTest, BadTracesNameTheirIndex) {
  FlowVerifier verifier(TinyVerifierNetwork(3), {});
  auto bad_char =
      verifier.Score({kFull, {"1 2 -> 3", {"1 + 2 = 3 (left: 3) x"}}});
  EXPECT_EQ(bad_char.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_char.status().message()), HasSubstr("traces[1]"));
  TraceRef too_long{"1 2 -> 3", std::vector<std::string>(20, kFull.steps[0])};
  auto long_status = verifier.Score({too_long}).status();
  EXPECT_THAT(std::string(long_status.message()), HasSubstr("traces[0]"));
  EXPECT_THAT(std::string(long_status.message()), HasSubstr("320"));
}

// A request longer than one forward pass is scored in chunks: the same
// scores, errors still name the index in the whole request, and a
// cancellation stops it between chunks.
TEST(FlowVerifierTest, LongRequestsAreChunkedAndCancellable) {
  FlowVerifier verifier(TinyVerifierNetwork(4), {});
  const size_t n = FlowVerifier::kScoreChunk + 3;
  std::vector<TraceRef> traces(n, kFull);
  traces[n - 1] = {"1 5 5 5 -> 24", {"1 / 5 = 1/5 (left: 1/5 5 5)"}};
  auto all = verifier.Score(traces);
  auto last = verifier.Score({traces[n - 1]});
  ASSERT_TRUE(all.ok() && last.ok());
  ASSERT_EQ(all->size(), n);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR((*all)[n - 1][i], (*last)[0][i], 1e-5);
  }
  // Every trace is encoded before any is scored: a bad one in the last
  // chunk fails the call before the model runs.
  std::vector<TraceRef> bad = traces;
  bad[n - 1].steps[0] += " x";
  EXPECT_THAT(std::string(verifier.Score(bad).status().message()),
              HasSubstr(absl::StrCat("traces[", n - 1, "]")));
  int checks = 0;
  auto cancelled = verifier.Score(traces, [&] { return ++checks > 1; });
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(checks, 2);  // before the first chunk and before the second
}

TEST(FlowVerifierTest, IncrementalScoresMatchFullScoresAndFeedOnlyNewSteps) {
  FlowVerifier verifier(TinyVerifierNetwork(5), {});
  const std::string problem = "4 9 10 13 -> 24";
  const std::vector<TraceRef> parents = {
      {problem, {"13 - 9 = 4 (left: 4 4 10)"}},
      {problem, {"4 * 9 = 36 (left: 10 13 36)"}}};
  std::vector<TraceRef> children;
  for (const TraceRef& parent : parents) {
    for (const char* step : {"4 + 4 = 8 (left: 8 10)", "10 - 4 = 6"}) {
      TraceRef child = parent;
      child.steps.push_back(step);
      children.push_back(child);
    }
  }
  children.push_back({problem, {}});  // a prefix of every parent

  PrefixCache cache(int64_t{64} << 20);
  auto score = [&](const std::vector<TraceRef>& traces, PrefixCache* with,
                   ScoreStats* stats) {
    absl::StatusOr<std::vector<EncodedTrace>> encoded = verifier.Encode(traces);
    EXPECT_TRUE(encoded.ok()) << encoded.status();
    std::vector<const EncodedTrace*> batch;
    for (const EncodedTrace& trace : *encoded) batch.push_back(&trace);
    absl::StatusOr<std::vector<std::vector<double>>> scores =
        verifier.ScoreEncoded(batch, with, stats);
    EXPECT_TRUE(scores.ok()) << scores.status();
    return *scores;
  };
  ScoreStats first;
  score(parents, &cache, &first);
  EXPECT_EQ(first.cache_hits, 0);
  EXPECT_EQ(cache.entries(), 2);

  ScoreStats incremental, full;
  const auto cached = score(children, &cache, &incremental);
  const auto uncached = score(children, nullptr, &full);
  ASSERT_EQ(cached.size(), uncached.size());
  for (size_t t = 0; t < cached.size(); ++t) {
    ASSERT_EQ(cached[t].size(), uncached[t].size()) << "trace " << t;
    for (size_t k = 0; k < cached[t].size(); ++k) {
      EXPECT_NEAR(cached[t][k], uncached[t][k], 1e-5)
          << "trace " << t << " prefix " << k;
    }
  }
  // The four children found their parents; the problem alone is a prefix of
  // a cached parent but not one that was scored on its own.
  EXPECT_EQ(incremental.cache_hits, 4);
  // Each child fed only its new step: its characters and the newline.
  int64_t new_positions = 0;
  for (size_t t = 0; t < 4; ++t) {
    new_positions += static_cast<int64_t>(children[t].steps.back().size()) + 1;
  }
  new_positions += static_cast<int64_t>(problem.size()) + 2;  // BOS and \n
  EXPECT_EQ(incremental.positions, new_positions);
  EXPECT_EQ(incremental.positions + incremental.reused_positions,
            full.positions);

  // Scoring the same traces again computes nothing.
  ScoreStats again;
  EXPECT_EQ(score(children, &cache, &again), cached);
  EXPECT_EQ(again.positions, 0);
}

TEST(FlowVerifierTest, PrefixCacheEvictsTheLeastRecentlyUsed) {
  auto entry = [](int64_t length) {
    auto e = std::make_shared<CachedPrefix>();
    e->keys.push_back(torch::zeros({1, length, 8}));
    e->values.push_back(torch::zeros({1, length, 8}));
    return e;
  };
  // Each entry: 2 * length * 8 floats = 64 * length bytes (+ its key).
  PrefixCache cache(3 * 64 * 10 + 10);
  cache.Put("a", entry(10));
  cache.Put("b", entry(10));
  cache.Put("c", entry(10));
  EXPECT_EQ(cache.entries(), 3);
  EXPECT_NE(cache.Find("a"), nullptr);  // now the most recent
  cache.Put("d", entry(10));            // evicts b, the least recent
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_NE(cache.Find("d"), nullptr);
  EXPECT_LE(cache.bytes(), cache.max_bytes());
  cache.Put("huge", entry(1000));  // larger than the budget: not kept
  EXPECT_EQ(cache.Find("huge"), nullptr);
  EXPECT_EQ(cache.entries(), 3);
}

TEST(FlowVerifierTest, CheckpointRoundTripAndKindChecks) {
  TempDir dir("flow_verifier_test");
  model::Transformer net = TinyVerifierNetwork(4);
  ASSERT_TRUE(
      SaveVerifier(dir.File("v.ckpt"), net, {{"objective", "flow"}}).ok());
  auto loaded = FlowVerifier::Load(dir.File("v.ckpt"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->metadata().at("objective"), "flow");
  FlowVerifier original(std::move(net), {});
  EXPECT_EQ(*(*loaded)->Score({kFull}), *original.Score({kFull}));

  // A generator checkpoint is not a verifier, and vice versa.
  testing_support::SaveTinyGenerator(dir.File("g.ckpt"), 5);
  auto wrong = FlowVerifier::Load(dir.File("g.ckpt"));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("'generator'"));
  EXPECT_FALSE(model::Generator::Load(dir.File("v.ckpt")).ok());
}

TEST(FlowVerifierTest, EncodeBoundariesMarksEachLineEnd) {
  model::Tokenizer tokenizer;
  auto batch =
      EncodeBoundaries({kFull, {"1 2 -> 3", {}}}, *CountdownCharacters(), 320);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->boundaries.size(1), 4);
  EXPECT_EQ(batch->mask[0].sum().item<int64_t>(), 4);
  EXPECT_EQ(batch->mask[1].sum().item<int64_t>(), 1);
  // "BOS" + "1 2 -> 3" : the newline is at position 9.
  EXPECT_EQ(batch->boundaries[1][0].item<int64_t>(), 9);
  for (int64_t k = 0; k < 4; ++k) {
    const int64_t position = batch->boundaries[0][k].item<int64_t>();
    EXPECT_EQ(batch->tokens[0][position].item<int64_t>(),
              tokenizer.TokenOf('\n'));
  }
}

}  // namespace
}  // namespace arts::verifier

namespace arts::verifier {
namespace {

// A SentencePiece model trained here on text of the toy sum task.
std::string TinySubwordModel() {
  std::vector<std::string> sentences;
  for (int i = 0; i < 40; ++i) {
    sentences.push_back(absl::StrCat("sum ", i % 9 + 1, " ", i % 7 + 2));
    sentences.push_back(absl::StrCat(i, " + ", i % 5, " = ", i + i % 5));
    sentences.push_back(absl::StrCat("answer: ", i * 3));
  }
  std::string error;
  std::string model = text::SentencePieceModel::Train(sentences, 40, &error);
  EXPECT_FALSE(model.empty()) << error;
  return model;
}

TEST(SubwordEncoderTest, PrefixesEncodeAsPrefixesWithTheirTextEnds) {
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      SubwordEncoder(TinySubwordModel());
  ASSERT_TRUE(encoder.ok()) << encoder.status();
  EXPECT_EQ((*encoder)->task(), "text");
  const TraceRef full{"sum 3 5 7", {"3 + 5 = 8", "8 + 7 = 15", "answer: 15"}};
  absl::StatusOr<EncodedTrace> whole = (*encoder)->Encode(full, 320, 0);
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(whole->boundaries.size(), 4u);
  EXPECT_EQ(whole->tokens.front(), 1);  // begin
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(whole->tokens[whole->boundaries[k]], 2);  // a prefix's end
    const TraceRef prefix{full.problem,
                          {full.steps.begin(), full.steps.begin() + k}};
    absl::StatusOr<EncodedTrace> part = (*encoder)->Encode(prefix, 320, 0);
    ASSERT_TRUE(part.ok());
    // The prefix's tokens start the whole's, and its text is the key.
    EXPECT_TRUE(std::equal(part->tokens.begin(), part->tokens.end(),
                           whole->tokens.begin()));
    EXPECT_EQ(whole->text.substr(0, whole->text_ends[k]), part->text);
  }
  for (int64_t token : whole->tokens) {
    EXPECT_LT(token, (*encoder)->vocab_size());
  }
  absl::StatusOr<EncodedTrace> too_long = (*encoder)->Encode(full, 8, 3);
  EXPECT_THAT(too_long.status().message(), HasSubstr("traces[3]:"));
  EXPECT_FALSE(SubwordEncoder("not a model").ok());
}

TEST(SubwordEncoderTest, ATextVerifierRoundTripsWithItsTokenizerAndCaches) {
  absl::StatusOr<std::shared_ptr<const TraceEncoder>> encoder =
      SubwordEncoder(TinySubwordModel());
  ASSERT_TRUE(encoder.ok());
  model::TransformerConfig config;
  config.d_model = 16;
  config.num_layers = 1;
  config.num_heads = 2;
  config.d_ff = 32;
  config.max_len = 128;
  FlowVerifier original(MakeVerifierNetwork(config, **encoder), {}, *encoder);
  EXPECT_EQ(original.task(), "text");
  TempDir dir("flow_verifier_test");
  ASSERT_TRUE(original.Save(dir.File("text.ckpt"), {}).ok());
  absl::StatusOr<std::unique_ptr<FlowVerifier>> loaded =
      FlowVerifier::Load(dir.File("text.ckpt"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->task(), "text");
  const std::vector<TraceRef> traces = {
      {"sum 3 5 7", {"3 + 5 = 8", "8 + 7 = 15"}}, {"sum 3 5 7", {"3 + 5 = 8"}}};
  absl::StatusOr<std::vector<std::vector<double>>> want =
      original.Score(traces);
  ASSERT_TRUE(want.ok()) << want.status();
  EXPECT_EQ(*(*loaded)->Score(traces), *want);
  // The prefix cache keys prefixes by their text, not by token counts: the
  // longer trace, scored after the shorter, feeds only its new step and
  // agrees with the full score.
  absl::StatusOr<std::vector<EncodedTrace>> encoded = (*loaded)->Encode(traces);
  ASSERT_TRUE(encoded.ok());
  PrefixCache cache(int64_t{16} << 20);
  ScoreStats stats;
  auto shorter = (*loaded)->ScoreEncoded({&(*encoded)[1]}, &cache, &stats);
  auto longer = (*loaded)->ScoreEncoded({&(*encoded)[0]}, &cache, &stats);
  ASSERT_TRUE(shorter.ok() && longer.ok());
  EXPECT_EQ(stats.cache_hits, 1);
  EXPECT_GT(stats.reused_positions, 0);
  ASSERT_EQ((*longer)[0].size(), 3u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR((*longer)[0][k], (*want)[0][k], 1e-5);
  }
}

}  // namespace
}  // namespace arts::verifier
